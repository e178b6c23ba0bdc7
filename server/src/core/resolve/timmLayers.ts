// timm's layer ids: group_with_matcher over model.group_matcher(coarse=False), or the
// auto_group_layers fallback (runs of 12 tensors, classifier prefix = head).

import type { ModelListing } from '../listing/model.ts';

const MATCH_PREV_GROUP = 99999;

type Rule = { re: RegExp; ordinal: number; suffix: number[] | null };

function compileMatcher(matcher: Record<string, unknown>): Rule[] {
  const rules: Rule[] = [];
  Object.entries(matcher).forEach(([, spec], ordinal) => {
    if (spec === null || spec === undefined) return;
    if (Array.isArray(spec)) {
      for (const s of spec as [string, number[] | null][])
        rules.push({ re: new RegExp(s[0], 'y'), ordinal, suffix: s[1] ?? null });
    } else rules.push({ re: new RegExp(String(spec), 'y'), ordinal, suffix: null });
  });
  return rules;
}

function grouping(rules: Rule[], name: string): number[] {
  for (const rule of rules) {
    rule.re.lastIndex = 0;
    const m = rule.re.exec(name);
    if (!m) continue;
    // filter(None, (prefix, groups, suffix)): empty tuples and None drop out.
    return [rule.ordinal, ...m.slice(1).map(Number), ...(rule.suffix && rule.suffix.length ? rule.suffix : [])];
  }
  return [Infinity];
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** name -> layer id, over all named_parameters (frozen included), like group_parameters(reverse=True). */
export function layerMapFromMatcher(names: string[], matcher: Record<string, unknown>): Map<string, number> {
  const rules = compileMatcher(matcher);
  const byKey = new Map<string, { key: number[]; names: string[] }>();
  for (const n of names) {
    const key = grouping(rules, n);
    const id = key.join(',');
    const slot = byKey.get(id) ?? { key, names: [] };
    slot.names.push(n);
    byKey.set(id, slot);
  }
  const sorted = [...byKey.values()].sort((a, b) => compareTuples(a.key, b.key));
  const out = new Map<string, number>();
  let lid = -1;
  for (const { key, names: ns } of sorted) {
    if (lid < 0 || key[key.length - 1] !== MATCH_PREV_GROUP) lid += 1;
    for (const n of ns) out.set(n, lid);
  }
  return out;
}

/** auto_group_layers: without a classifier prefix every parameter is "head" (one layer). */
export function autoLayerMap(
  names: string[],
  classifier: string | string[] | null | undefined,
  perGroup = 12,
): Map<string, number> {
  const prefixes =
    classifier === null || classifier === undefined || classifier === ''
      ? []
      : Array.isArray(classifier)
        ? classifier
        : [classifier];
  const inHead = (n: string): boolean => prefixes.length === 0 || prefixes.some((p) => n.startsWith(p));
  const trunk = names.filter((n) => !inHead(n));
  const out = new Map<string, number>();
  trunk.forEach((n, i) => out.set(n, Math.floor(i / perGroup)));
  const trunkGroups = Math.ceil(trunk.length / perGroup);
  for (const n of names) if (inHead(n)) out.set(n, trunkGroups);
  return out;
}

export function timmLayerMap(listing: ModelListing): { map: Map<string, number>; source: string } {
  const names = listing.params.map((p) => p.name);
  const recorded = listing.hooks.groupMatcher;
  const matcher = recorded === undefined ? familyMatcher(names) : recorded;
  if (matcher)
    return {
      map: layerMapFromMatcher(names, matcher),
      source: listing.hooks.groupMatcher
        ? 'model.group_matcher(coarse=False)'
        : 'timm group_matcher of the detected model family',
    };
  return {
    map: autoLayerMap(names, listing.hooks.pretrainedCfgClassifier),
    source: 'auto_group_layers (no group_matcher)',
  };
}

/** The fine group matchers of common timm families, for listings that did not record one. */
function familyMatcher(names: string[]): Record<string, unknown> | undefined {
  const has = (re: RegExp): boolean => names.some((n) => re.test(n));
  if (has(/^blocks\.\d+\./) && has(/^patch_embed\./)) {
    const stem = has(/^rel_pos_bias/)
      ? '^cls_token|pos_embed|patch_embed|rel_pos_bias'
      : has(/^dist_token/)
        ? '^cls_token|pos_embed|patch_embed|dist_token'
        : '^cls_token|reg_token|pos_embed|patch_embed';
    return {
      stem,
      blocks: [
        ['^blocks\\.(\\d+)', null],
        ['^norm', [MATCH_PREV_GROUP]],
      ],
    };
  }
  if (has(/^stages\.\d+\.blocks\.\d+\./) && has(/^stem\./)) {
    return {
      stem: '^stem',
      blocks: [
        ['^stages\\.(\\d+)\\.downsample', [0]],
        ['^stages\\.(\\d+)\\.blocks\\.(\\d+)', null],
        ['^norm_pre', [MATCH_PREV_GROUP]],
      ],
    };
  }
  if (has(/^layers\.\d+\.blocks\.\d+\./) && has(/^patch_embed\./)) {
    return {
      stem: has(/^absolute_pos_embed/) ? '^absolute_pos_embed|patch_embed' : '^patch_embed',
      blocks: [
        ['^layers\\.(\\d+).downsample', [0]],
        ['^layers\\.(\\d+)\\.\\w+\\.(\\d+)', null],
        ['^norm', [MATCH_PREV_GROUP]],
      ],
    };
  }
  return undefined;
}
