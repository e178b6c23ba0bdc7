// f-strings and `str.format` for the simple cases configs use (`f'{work_dir}/{name}'`,
// `'{:.1e}'.format(lr)`); anything with a spec we do not implement stays unresolved.
import type { SyntaxNode } from '@lezer/common';
import { pyRepr, type PyValue } from '../pyvalue.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { evalExpr } from './pyEval.ts';
import { decodeFormatLiteral, splitString } from './pyLiterals.ts';
import { NotStatic, pyStr } from './pyOps.ts';
import { kids } from './pyTree.ts';

/** Python's exponent style: at least two digits (`1e-05`). */
function pyExponential(x: number, digits: number): string {
  return x.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `format(value, spec)` for `[width][.precision][type]` with types d f e % s. */
export function formatSpec(v: PyValue, spec: string): string {
  if (spec === '') return pyStr(v);
  const m = /^(\d*)(?:\.(\d+))?([dfFeE%s]?)$/.exec(spec);
  if (!m) throw new NotStatic(`format spec '${spec}'`);
  const [, width, precision, type] = m;
  const p = precision === undefined ? 6 : Number(precision);
  const num = typeof v === 'bigint' || typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : undefined;
  let out: string;
  if (type === 'd' && typeof v === 'bigint') out = v.toString();
  else if ((type === 's' || type === '') && typeof v === 'string') out = precision === undefined ? v : v.slice(0, p);
  else if (num !== undefined && (type === 'f' || type === 'F')) out = num.toFixed(p);
  else if (num !== undefined && (type === 'e' || type === 'E')) out = pyExponential(num, p);
  else if (num !== undefined && type === '%') out = `${(num * 100).toFixed(p)}%`;
  else throw new NotStatic(`format spec '${spec}' for this value`);
  if (type === 'E') out = out.toUpperCase();
  const w = width ? Number(width) : 0;
  return typeof v === 'string' ? out.padEnd(w) : out.padStart(w);
}

function evalReplacement(ctx: PyContext, node: SyntaxNode): PyValue {
  const parts = kids(node).filter((n) => n.name !== '{' && n.name !== '}');
  const expr = parts[0];
  if (!expr || parts.some((n) => n.name === ',')) return ctx.unresolved(node, 'unsupported f-string replacement');
  const value = evalExpr(ctx, expr);
  if (isUnresolved(value)) return value;
  let prefix = '';
  let converted: PyValue = value;
  let spec = '';
  for (const part of parts.slice(1)) {
    const t = ctx.text.slice(part.from, part.to);
    if (part.name === 'FormatSelfDoc') prefix = `${ctx.text.slice(expr.from, expr.to)}=`;
    else if (part.name === 'FormatConversion') converted = t === '!s' ? pyStr(value) : pyRepr(value);
    else if (part.name === 'FormatSpec') {
      if (kids(part).some((n) => n.name === 'FormatReplacement')) return ctx.unresolved(node, 'nested format specs');
      spec = t.slice(1);
    }
  }
  if (prefix && !spec && converted === value) converted = pyRepr(value);
  return prefix + formatSpec(converted, spec);
}

export function evalFormatString(ctx: PyContext, node: SyntaxNode): PyValue {
  const raw = ctx.text.slice(node.from, node.to);
  const { prefix, quote, bodyOffset } = splitString(raw);
  const isRaw = prefix.includes('r');
  const bodyEnd = raw.endsWith(quote) && raw.length >= bodyOffset + quote.length ? node.to - quote.length : node.to;
  let pos = node.from + bodyOffset;
  let out = '';
  for (const part of kids(node)) {
    if (part.name !== 'FormatReplacement') continue;
    out += decodeFormatLiteral(ctx.text.slice(pos, part.from), isRaw);
    const v = evalReplacement(ctx, part);
    if (isUnresolved(v)) return ctx.derived(node, v);
    out += pyStr(v);
    pos = part.to;
  }
  const result = out + decodeFormatLiteral(ctx.text.slice(pos, bodyEnd), isRaw);
  ctx.budget.allocate(result.length);
  return result;
}

/** `'…'.format(*args, **kwargs)` with `{}`, `{0}`, `{name}`, `{name.attr}` not supported. */
export function strFormat(template: string, args: PyValue[], kwargs: Map<string, PyValue>): string {
  let auto = 0;
  return template.replace(
    /\{\{|\}\}|\{([^{}:!]*)(?:!([rs]))?(?::([^{}]*))?\}/g,
    (whole, field: string | undefined, conv, spec) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      const key = field ?? '';
      let v: PyValue | undefined;
      if (key === '') v = args[auto++];
      else if (/^\d+$/.test(key)) v = args[Number(key)];
      else v = kwargs.get(key);
      if (v === undefined) throw new NotStatic(`format field '{${key}}'`);
      if (conv) v = conv === 'r' ? pyRepr(v) : pyStr(v);
      return formatSpec(v, spec ?? '');
    },
  );
}
