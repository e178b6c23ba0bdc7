// @lezer/python has no token for floats with a trailing dot: `0.` parses as the member
// expression `0 .<missing>` and `1.e-4` as `(1).e - 4`. OpenMMLab configs write `decay_mult=0.`
// and `loss_scale=512.` all the time, so these shapes are recognised and read as floats.
import type { SyntaxNode } from '@lezer/common';
import type { PyContext } from './pyContext.ts';
import { isErrorNode, kids } from './pyTree.ts';

/** `[Number, '.', rest?]` written without spaces, with a plain decimal integer before the dot. */
function dottedInteger(ctx: PyContext, node: SyntaxNode): { digits: string; rest?: SyntaxNode } | undefined {
  if (node.name !== 'MemberExpression') return undefined;
  // A comment after the dot (`drop_path_rate = 0.  # 0.1 for 1600 epochs`) is the parser's
  // error recovery, not the member's property.
  const [num, dot, rest] = kids(node).filter((k) => k.name !== 'Comment');
  if (num?.name !== 'Number' || dot?.name !== '.' || num.to !== dot.from) return undefined;
  const digits = ctx.text.slice(num.from, num.to);
  if (!/^\d[\d_]*$/.test(digits)) return undefined;
  // The parser's missing property is an empty error node, after any comment.
  const missing = rest && isErrorNode(rest) && rest.from === rest.to;
  if (rest && !missing && (rest.from !== dot.to || (!isErrorNode(rest) && rest.name !== 'PropertyName')))
    return undefined;
  return { digits: digits.replace(/_/g, ''), rest };
}

/** `0.` or `2.e3` as one float; undefined for any other member expression. */
export function trailingDotFloat(ctx: PyContext, node: SyntaxNode): number | undefined {
  const m = dottedInteger(ctx, node);
  if (!m) return undefined;
  if (!m.rest || isErrorNode(m.rest)) return Number(m.digits);
  const prop = ctx.text.slice(m.rest.from, m.rest.to);
  return /^[eE]\d[\d_]*$/.test(prop) ? Number(`${m.digits}.${prop.replace(/_/g, '')}`) : undefined;
}

/** `1.e-4`, parsed as `(1).e - 4`: the binary expression as one float when written without spaces. */
export function exponentFloat(ctx: PyContext, node: SyntaxNode): number | undefined {
  const [left, op, right] = kids(node);
  const m = left && dottedInteger(ctx, left);
  if (!m?.rest || !/^[eE]$/.test(ctx.text.slice(m.rest.from, m.rest.to))) return undefined;
  if (op?.to !== right?.from || left.to !== op.from || right?.name !== 'Number') return undefined;
  const text = ctx.text.slice(node.from, node.to);
  return /^\d[\d_]*\.[eE][+-]\d+$/.test(text) ? Number(text.replace(/_/g, '')) : undefined;
}
