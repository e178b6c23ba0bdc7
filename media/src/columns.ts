// The table's columns: header label, initial width, and the text of a parameter row or a
// group header row in each.

import type { GroupSummary, Model } from './data.ts';
import { count, full, range, short } from './format.ts';
import type { ColumnId, GroupingMode } from './state.ts';

export interface Column {
  id: ColumnId;
  label: string;
  /** Header tooltip. */
  title: string;
  width: string;
  numeric: boolean;
  /** Hidden while the table is narrower than this many pixels. */
  hideBelow?: number;
}

export const COLUMNS: Column[] = [
  { id: 'name', label: 'Parameter', title: 'Parameter name (groups: their size)', width: '22%', numeric: false },
  { id: 'group', label: 'Group', title: 'Index in optimizer.param_groups', width: '6%', numeric: true, hideBelow: 960 },
  { id: 'lr', label: 'lr', title: 'Learning rate the group is built with', width: '9%', numeric: true },
  { id: 'wd', label: 'wd', title: 'Weight decay', width: '6%', numeric: true },
  {
    id: 'lrWd',
    label: 'lr·wd',
    title: 'lr × weight decay: what decoupled weight decay takes off per step',
    width: '9%',
    numeric: true,
    hideBelow: 860,
  },
  { id: 'lrScale', label: 'lr_scale', title: 'lr_scale (layer decay factor)', width: '8%', numeric: true },
  { id: 'layer', label: 'Layer', title: 'Layer id', width: '6%', numeric: true },
  { id: 'rule', label: 'Rule', title: 'The config rule that decided the settings', width: '17%', numeric: false },
  { id: 'shape', label: 'Shape', title: 'Tensor shape', width: '9%', numeric: false, hideBelow: 700 },
  { id: 'numel', label: '#elements', title: 'Number of elements', width: '8%', numeric: true },
];

export interface CellText {
  text: string;
  title?: string;
}

export function paramCell(m: Model, column: ColumnId, i: number): CellText {
  switch (column) {
    case 'name':
      return { text: m.names[i], title: m.names[i] };
    case 'group':
      return { text: String(m.group[i]) };
    case 'lr':
      return number(m.lr[i]);
    case 'wd':
      return number(m.wd[i]);
    case 'lrWd':
      return number(m.lrWd[i]);
    case 'lrScale':
      return number(m.lrScale[i]);
    case 'layer':
      return { text: Number.isNaN(m.layer[i]) ? '' : String(m.layer[i]) };
    case 'rule':
      return rule(m, m.rule[i]);
    case 'shape':
      return { text: m.payload.shapes[m.shape[i]] };
    case 'numel':
      return { text: count(m.numel[i]), title: m.numel[i].toLocaleString('en-US') };
  }
}

/** Header rows show what every member shares (the values of its first member, in a set). */
export function groupCell(
  m: Model,
  mode: GroupingMode,
  column: ColumnId,
  g: number,
  s: GroupSummary,
  shown: number,
): CellText {
  switch (column) {
    case 'name':
      return { text: groupLabel(mode, g, s, shown) };
    case 'group':
      return mode === 'framework' ? { text: String(g) } : frameworkGroups(m.payload.sets[g]?.frameworkGroups ?? []);
    case 'layer':
      return { text: range(s.layerMin, s.layerMax) };
    case 'rule':
      return s.rule < 0 ? { text: 'several rules' } : rule(m, s.rule);
    case 'shape':
      return { text: '' };
    case 'numel':
      return { text: count(s.numel), title: s.numel.toLocaleString('en-US') };
    default:
      return s.first < 0 ? { text: '' } : paramCell(m, column, s.first);
  }
}

export function groupLabel(mode: GroupingMode, g: number, s: GroupSummary, shown: number): string {
  const name = mode === 'sets' ? `Set ${g + 1}` : `param_groups[${g}]`;
  const size = shown === s.count ? `${s.count}` : `${shown} of ${s.count}`;
  return `${name} · ${size} param${s.count === 1 ? '' : 's'}`;
}

function number(x: number): CellText {
  return { text: short(x), title: full(x) };
}

function rule(m: Model, r: number): CellText {
  const entry = m.payload.rules[r];
  if (!entry) return { text: '' };
  const shadowed = entry.shadowed.length ? `\nshadowed: ${entry.shadowed.join(', ')}` : '';
  return { text: entry.label, title: `${entry.label}${shadowed}` };
}

/** The first few indices: a set can merge 100k one-parameter groups. */
function frameworkGroups(groups: number[]): CellText {
  const shown = groups.slice(0, 6).join(', ');
  return {
    text: groups.length > 6 ? `${shown}, …` : shown,
    title: groups.length > 6 ? `${groups.length} param_groups` : undefined,
  };
}
