// What the page remembers across reloads and live updates (getState/setState): filter, sort,
// grouping mode, collapsed groups, selection and scroll. Read back defensively: a state saved
// by an older page version must not break a newer one.

import type { ExplorerPersistedState } from '../../server/src/protocol/webview.ts';
import { getState, setState } from './vscodeApi.ts';

export type ColumnId = 'name' | 'group' | 'lr' | 'wd' | 'lrWd' | 'lrScale' | 'layer' | 'rule' | 'shape' | 'numel';
export const COLUMN_IDS: ColumnId[] = [
  'name',
  'group',
  'lr',
  'wd',
  'lrWd',
  'lrScale',
  'layer',
  'rule',
  'shape',
  'numel',
];

/** 'sets': identical settings together; 'framework': the framework's own param_groups. */
export type GroupingMode = 'sets' | 'framework';

/** The page's tabs; 'smoke' shows only while there is a smoke report. */
export type Tab = 'groups' | 'smoke';

export interface ViewState extends ExplorerPersistedState {
  filter: string;
  regex: boolean;
  sort: { column: ColumnId; descending: boolean } | null;
  mode: GroupingMode;
  /** Collapsed group indices, per mode. */
  collapsed: { sets: number[]; framework: number[] };
  /** Selected parameter, by name so that it survives edits that renumber parameters. */
  selected: string | null;
  scrollTop: number;
  itersPerEpoch: number | null;
  optimizerIndex: number;
  tab: Tab;
}

export function defaultState(): ViewState {
  return {
    configUri: '',
    filter: '',
    regex: false,
    sort: null,
    mode: 'sets',
    collapsed: { sets: [], framework: [] },
    selected: null,
    scrollTop: 0,
    itersPerEpoch: null,
    optimizerIndex: 0,
    tab: 'groups',
  };
}

export function loadState(): ViewState {
  const s = defaultState();
  const saved = getState();
  if (typeof saved !== 'object' || saved === null) return s;
  const o = saved as Record<string, unknown>;
  if (typeof o.configUri === 'string') s.configUri = o.configUri;
  if (typeof o.filter === 'string') s.filter = o.filter;
  if (typeof o.regex === 'boolean') s.regex = o.regex;
  if (o.mode === 'sets' || o.mode === 'framework') s.mode = o.mode;
  if (o.tab === 'groups' || o.tab === 'smoke') s.tab = o.tab;
  if (typeof o.selected === 'string') s.selected = o.selected;
  if (typeof o.scrollTop === 'number' && o.scrollTop >= 0) s.scrollTop = o.scrollTop;
  if (typeof o.itersPerEpoch === 'number' && Number.isInteger(o.itersPerEpoch) && o.itersPerEpoch > 0)
    s.itersPerEpoch = o.itersPerEpoch;
  if (typeof o.optimizerIndex === 'number' && Number.isInteger(o.optimizerIndex) && o.optimizerIndex >= 0)
    s.optimizerIndex = o.optimizerIndex;
  s.sort = parseSort(o.sort);
  s.collapsed = parseCollapsed(o.collapsed);
  return s;
}

function parseSort(v: unknown): ViewState['sort'] {
  if (typeof v !== 'object' || v === null) return null;
  const { column, descending } = v as Record<string, unknown>;
  return COLUMN_IDS.includes(column as ColumnId) && typeof descending === 'boolean'
    ? { column: column as ColumnId, descending }
    : null;
}

function parseCollapsed(v: unknown): ViewState['collapsed'] {
  const ints = (x: unknown): number[] =>
    Array.isArray(x) ? x.filter((n): n is number => Number.isInteger(n) && n >= 0) : [];
  if (typeof v !== 'object' || v === null) return { sets: [], framework: [] };
  const o = v as Record<string, unknown>;
  return { sets: ints(o.sets), framework: ints(o.framework) };
}

let pending: ReturnType<typeof setTimeout> | undefined;

/**
 * Saves at once: the page can be torn down any moment (hidden, reloaded). Scrolling, which
 * fires per frame, passes `coalesce` and is saved at most every 150 ms.
 */
export function saveState(state: ViewState, coalesce = false): void {
  if (pending !== undefined) clearTimeout(pending);
  pending = undefined;
  if (!coalesce) setState(state);
  else
    pending = setTimeout(() => {
      pending = undefined;
      setState(state);
    }, 150);
}
