// The values of a model's own methods and backbone facts, as a listing records them (the dumper
// JSON's `meta`, the .params `@group_matcher` and `@backbone` directives), checked before a
// resolver reads them: a wrong type there would throw in the resolver, far from the listing.
// A value that fails is reported and left out (the resolvers then do without it).

import type { BackboneInfo } from './model.ts';
import { normalizeBackbone } from './backbone.ts';
import { isInteger, type FieldChecks, type JsonPath } from './jsonFields.ts';

const ERROR = 'error';

/** timm `group_matcher(coarse=False)` at `path`: name -> regex, or -> [[regex, suffix list or null], ...]. */
export function readGroupMatcher(
  value: unknown,
  check: FieldChecks,
  path: JsonPath,
): Record<string, unknown> | undefined {
  const matcher = check.object(ERROR, path, undefined, value);
  if (!matcher) return undefined;
  for (const [key, spec] of Object.entries(matcher)) {
    if (spec === null) continue;
    if (typeof spec === 'string') {
      if (!regexOk(check, path, key, spec)) return undefined;
      continue;
    }
    if (!Array.isArray(spec)) {
      check.wrongType(ERROR, path, key, spec, 'a regex string, null or an array of [regex, suffix] pairs');
      return undefined;
    }
    for (let i = 0; i < spec.length; i++) {
      const rule: unknown = spec[i];
      if (!Array.isArray(rule) || rule.length < 1 || rule.length > 2) {
        check.wrongType(ERROR, [...path, key], i, rule, 'a [regex, suffix] pair');
        return undefined;
      }
      const ruleAt = [...path, key, i];
      if (typeof rule[0] !== 'string') {
        check.wrongType(ERROR, ruleAt, 0, rule[0], 'a regex string');
        return undefined;
      }
      if (!regexOk(check, ruleAt, 0, rule[0])) return undefined;
      if (rule[1] !== undefined && rule[1] !== null && !check.integers(ERROR, ruleAt, 1, rule[1], false))
        return undefined;
    }
  }
  return matcher;
}

function regexOk(check: FieldChecks, at: JsonPath, key: string | number, source: string): boolean {
  try {
    new RegExp(source, 'y');
    return true;
  } catch (e) {
    check.add(ERROR, at, key, `not a regular expression this reader can use (${(e as Error).message}).`);
    return false;
  }
}

/** mmpretrain `get_layer_depth` at `path`: full name -> [layer_id, num_layers], or null where it raised. */
export function readLayerDepth(
  value: unknown,
  check: FieldChecks,
  path: JsonPath,
): Record<string, [number, number]> | undefined {
  const depths = check.object(ERROR, path, undefined, value);
  if (!depths) return undefined;
  for (const [name, depth] of Object.entries(depths)) {
    if (depth === null) continue;
    const pair = check.integers(ERROR, path, name, depth, false);
    if (!pair) return undefined;
    if (pair.length !== 2) {
      check.add(ERROR, path, name, `expected [layer_id, num_layers], got an array of ${pair.length}.`);
      return undefined;
    }
  }
  return depths as Record<string, [number, number]>;
}

/** mmpretrain backbone facts at `path`: the ones the resolvers read are checked, a bad one left out. */
export function readBackboneFacts(value: unknown, check: FieldChecks, path: JsonPath): BackboneInfo | undefined {
  const raw = check.object(ERROR, path, undefined, value, 'the backbone facts are not read');
  if (!raw) return undefined;
  const facts = { ...raw };
  const keep = <T>(field: string, checked: T | undefined): void => {
    if (checked === undefined) delete facts[field];
  };
  keep('class_qualified', check.string(ERROR, path, 'class_qualified', raw.class_qualified));
  keep('num_layers', check.integer(ERROR, path, 'num_layers', raw.num_layers));
  keep('depths', check.integers(ERROR, path, 'depths', raw.depths, true));
  if (raw.embed_dims !== undefined && !isInteger(raw.embed_dims))
    keep('embed_dims', check.integers('warning', path, 'embed_dims', raw.embed_dims, true));
  return normalizeBackbone(facts);
}
