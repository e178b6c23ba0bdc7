// The coverage audit that runs before step 1 (the checks of YOLO-Master PR #186, which
// shared/spec/user-pain.md names as the smoke run's assertions), on the resolved groups and the
// listing alone: nothing here needs tfjs.

import type { ModelListing } from '../core/listing/model.ts';
import type { ResolvedOptimizer } from '../core/resolve/types.ts';
import type { SmokeAudit } from '../protocol/smokeReport.ts';
import { aliasMap } from './groups.ts';

export function coverageAudit(opt: ResolvedOptimizer, listing: ModelListing): SmokeAudit {
  const canonical = aliasMap(listing);
  const nameOf = (name: string) => canonical.get(name) ?? name;
  const requiresGrad = new Map(listing.params.map((p) => [p.name, p.requiresGrad]));
  const groupsOf = new Map<string, number[]>();
  opt.groups.forEach((group, g) => {
    for (const name of group.params) {
      const list = groupsOf.get(nameOf(name)) ?? [];
      if (!list.includes(g)) list.push(g);
      groupsOf.set(nameOf(name), list);
    }
  });
  const trainableNotOptimized = listing.params
    .filter((p) => p.requiresGrad && !groupsOf.has(p.name))
    .map((p) => ({
      name: p.name,
      reason: opt.excluded.find((e) => nameOf(e.name) === p.name)?.reason ?? 'in no param group',
    }));
  const inSeveralGroups = [...groupsOf]
    .filter(([, groups]) => groups.length > 1)
    .map(([name, groups]) => ({ name, groups }));
  const frozenInOptimizer = [...groupsOf]
    .filter(([name]) => requiresGrad.get(name) === false)
    .map(([name, groups]) => ({ name, group: groups[0] }));
  const emptyGroups = opt.groups.flatMap((group, g) => (group.params.length ? [] : [g]));
  const tied = tiedSets(listing).map((names) => ({
    names,
    groups: names.map((n) => groupsOf.get(nameOf(n))?.[0] ?? null),
  }));
  const ok =
    !trainableNotOptimized.length && !inSeveralGroups.length && !frozenInOptimizer.length && !emptyGroups.length;
  return { trainableNotOptimized, inSeveralGroups, frozenInOptimizer, emptyGroups, tied, ok };
}

/** Names under which one tensor is visited more than once (tied embeddings, shared modules). */
function tiedSets(listing: ModelListing): string[][] {
  const byTensor = new Map<number, string[]>();
  for (const m of listing.modules) {
    for (const p of m.params) {
      const name = m.path ? `${m.path}.${p.name}` : p.name;
      const names = byTensor.get(p.tensorId) ?? [];
      if (!names.includes(name)) names.push(name);
      byTensor.set(p.tensorId, names);
    }
  }
  return [...byTensor.values()].filter((names) => names.length > 1);
}

/** One line per finding, for the terminal. */
export function auditLines(audit: SmokeAudit): string[] {
  const list = (names: string[]) => names.slice(0, 4).join(', ') + (names.length > 4 ? `, ... (${names.length})` : '');
  const lines: string[] = [];
  if (audit.trainableNotOptimized.length)
    lines.push(`trainable but in no group: ${list(audit.trainableNotOptimized.map((p) => `${p.name} (${p.reason})`))}`);
  if (audit.inSeveralGroups.length)
    lines.push(
      `in more than one group: ${list(audit.inSeveralGroups.map((p) => `${p.name} (groups ${p.groups.join(', ')})`))}`,
    );
  if (audit.frozenInOptimizer.length)
    lines.push(
      `frozen but inside the optimizer: ${list(audit.frozenInOptimizer.map((p) => `${p.name} (group ${p.group})`))}`,
    );
  if (audit.emptyGroups.length) lines.push(`empty groups: ${audit.emptyGroups.join(', ')}`);
  for (const t of audit.tied)
    lines.push(`tied: ${t.names.join(' = ')} (group ${t.groups.map((g) => g ?? '-').join(' / ')})`);
  if (!lines.length)
    lines.push('every trainable parameter is in exactly one group; no frozen parameter, empty group or tied weight');
  return lines;
}
