// Filter, sort and flatten the tree into the rows the virtual table draws: group headers
// (negative numbers) followed by their matching parameters. O(n) per call, no DOM.

import { lowerNames, type Model } from './data.ts';
import type { SortCache } from './sort.ts';
import type { GroupingMode, ViewState } from './state.ts';

export interface Rows {
  /** >= 0: a parameter index; < 0: the header of group -(row + 1). */
  rows: Int32Array;
  /** Parameters per group that pass the filter, for the "k of n" counts. */
  shown: Int32Array;
  matched: number;
  /** Why the filter is not applied (an invalid regex). */
  filterError?: string;
}

export const headerGroup = (row: number): number => -row - 1;

export type RowsOptions = Pick<ViewState, 'filter' | 'regex' | 'sort' | 'mode'> & { collapsed: ReadonlySet<number> };

export function buildRows(m: Model, o: RowsOptions, sorts: SortCache): Rows {
  const match = filterMask(m, o.filter, o.regex);
  const order = o.sort ? sorts.order(o.sort.column, o.sort.descending) : undefined;
  const groupOf = o.mode === 'sets' ? m.set : m.group;
  const summaries = m.groups[o.mode];
  const shown = new Int32Array(summaries.length);
  // Groups appear where their first matching member appears in the sorted order.
  const groupOrder: number[] = [];
  let matched = 0;
  for (let k = 0; k < m.n; k++) {
    const i = order ? order[k] : k;
    if (match.mask && !match.mask[i]) continue;
    matched++;
    if (shown[groupOf[i]]++ === 0) groupOrder.push(groupOf[i]);
  }
  const members = bucket(m.n, order, match.mask, groupOf, shown, matched);
  const rows = new Int32Array(matched + groupOrder.length);
  let r = 0;
  for (const g of groupOrder) {
    const from = members.start[g];
    const to = from + shown[g];
    // The framework's one-parameter groups read better as plain rows than as headers.
    if (!isFlat(o.mode, summaries[g].count)) {
      rows[r++] = -g - 1;
      if (o.collapsed.has(g)) continue;
    }
    for (let k = from; k < to; k++) rows[r++] = members.items[k];
  }
  return { rows: rows.subarray(0, r), shown, matched, filterError: match.error };
}

export const isFlat = (mode: GroupingMode, groupSize: number): boolean => mode === 'framework' && groupSize === 1;

/** Matching parameters grouped contiguously, each group in the sorted order. */
function bucket(
  n: number,
  order: Int32Array | undefined,
  mask: Uint8Array | undefined,
  groupOf: Int32Array,
  shown: Int32Array,
  matched: number,
): { items: Int32Array; start: Int32Array } {
  const start = new Int32Array(shown.length);
  for (let g = 1; g < shown.length; g++) start[g] = start[g - 1] + shown[g - 1];
  const next = start.slice();
  const items = new Int32Array(matched);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    if (mask && !mask[i]) continue;
    items[next[groupOf[i]]++] = i;
  }
  return { items, start };
}

/** Case-insensitive substring, or a regex; an invalid regex filters nothing and says why. */
export function filterMask(m: Model, filter: string, regex: boolean): { mask?: Uint8Array; error?: string } {
  if (!filter) return {};
  const mask = new Uint8Array(m.n);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(filter, 'i');
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    for (let i = 0; i < m.n; i++) mask[i] = re.test(m.names[i]) ? 1 : 0;
    return { mask };
  }
  const needle = filter.toLowerCase();
  const names = lowerNames(m);
  for (let i = 0; i < m.n; i++) mask[i] = names[i].includes(needle) ? 1 : 0;
  return { mask };
}
