// User-defined layer rules: the declarative stand-in for a get_num_layer_for_xxx function.
//   layer_rules = [(r'blocks\.(\d+)\.', '$1 + 1'), (r'patch_embed|cls_token|pos_embed', 0)]
// Rules are tried in order with a regex search over the full parameter name; the first
// match gives the layer id ('$N' is capture N, + - * // and parentheses, 'last');
// names no rule matches go to the last layer, one above the highest id any rule gave.

import { PyDict, PyList, toNumber, type PyValue, type Span } from '../pyvalue.ts';
import type { ResolveDiagnostic } from './types.ts';

export interface LayerRule {
  source: string;
  re: RegExp;
  expr: string;
  span?: Span;
}

export interface LayerAssignment {
  ids: Map<string, number>;
  /** The id of the last layer (unmatched names and 'last'). */
  last: number;
  ruleOf: Map<string, LayerRule | undefined>;
}

export function parseLayerRules(v: PyValue | undefined, diagnostics: ResolveDiagnostic[]): LayerRule[] {
  const pairs: [PyValue, PyValue, Span | undefined][] = [];
  if (v instanceof PyDict) for (const [k, x] of v.items) pairs.push([k, x, v.keySpans.get(k)]);
  else if (v instanceof PyList) {
    v.items.forEach((item, i) => {
      if (item instanceof PyList && item.items.length === 2) pairs.push([item.items[0], item.items[1], v.itemSpans[i]]);
      else if (item instanceof PyDict)
        pairs.push([item.get('pattern') ?? null, item.get('layer') ?? null, v.itemSpans[i]]);
      else
        diagnostics.push({
          severity: 'error',
          code: 'layer-rule-shape',
          message: 'A layer rule is (pattern, layer) or dict(pattern=..., layer=...).',
          span: v.itemSpans[i],
        });
    });
  }
  const rules: LayerRule[] = [];
  for (const [pattern, layer, span] of pairs) {
    try {
      rules.push({
        source: String(pattern),
        re: new RegExp(String(pattern)),
        expr: typeof layer === 'string' ? layer : String(toNumber(layer) ?? 'last'),
        span,
      });
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'layer-rule-regex',
        message: `Invalid layer rule pattern: ${(e as Error).message}`,
        span,
      });
    }
  }
  return rules;
}

export function assignLayers(rules: LayerRule[], names: string[]): LayerAssignment {
  const ids = new Map<string, number>();
  const ruleOf = new Map<string, LayerRule | undefined>();
  const pendingLast: string[] = [];
  for (const name of names) {
    const rule = rules.find((r) => r.re.test(name));
    ruleOf.set(name, rule);
    const m = rule ? rule.re.exec(name) : null;
    const id = rule && m ? evaluate(rule.expr, m) : undefined;
    if (id === undefined) pendingLast.push(name);
    else ids.set(name, id);
  }
  const last = ids.size ? Math.max(...ids.values()) + 1 : 0;
  for (const name of pendingLast) ids.set(name, last);
  return { ids, last, ruleOf };
}

/** Integer arithmetic over captures; undefined means 'last'. Never evaluates user code. */
export function evaluate(expr: string, match: RegExpExecArray): number | undefined {
  const tokens =
    expr.replace(/\$(\d+)/g, (_, i: string) => String(Number(match[Number(i)] ?? 0))).match(/\d+|\/\/|[-+*()]|last/g) ??
    [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const atom = (): number | undefined => {
    const t = tokens[pos++];
    if (t === '(') {
      const v = sum();
      pos++;
      return v;
    }
    if (t === '-') {
      const v = atom();
      return v === undefined ? undefined : -v;
    }
    if (t === 'last' || t === undefined) return undefined;
    return Number(t);
  };
  const product = (): number | undefined => {
    let v = atom();
    while (peek() === '*' || peek() === '//') {
      const op = tokens[pos++];
      const r = atom();
      if (v === undefined || r === undefined) return undefined;
      v = op === '*' ? v * r : Math.floor(v / r);
    }
    return v;
  };
  const sum = (): number | undefined => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[pos++];
      const r = product();
      if (v === undefined || r === undefined) return undefined;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  return sum();
}
