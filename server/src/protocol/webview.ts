// The group explorer's messages between the extension host and the webview page. The page
// (media/src) and the host (client/src/explorer) both import this module; each side validates
// what arrives with the parse* functions below. The payload types live with the core that
// builds them (type-only import: nothing of the core is bundled).

import type { ExplorerPayload, ScheduleView } from '../core/explorer/types.ts';
import { isColumn, isInt, isObj, isStr, type Obj } from './guards.ts';
import { smokeReportProblem, type SmokeReport } from './smokeReport.ts';
export type { ExplorerPayload, ScheduleView } from '../core/explorer/types.ts';

/** The explorer panel's view type (package.json: `onWebviewPanel:paramwise.groupExplorer`). */
export const EXPLORER_VIEW_TYPE = 'paramwise.groupExplorer';

export type HostToPage =
  /** host → page: everything to show; sent when the panel opens and when config or listing change. */
  | { type: 'data'; configUri: string; title: string; payload: ExplorerPayload }
  /** host → page: only the schedule changed (the user set the iterations per epoch). */
  | { type: 'schedule'; schedule: ScheduleView | null }
  /** host → page: nothing to show, and why (no listing paired, unreadable files...). */
  | { type: 'unavailable'; configUri: string; message: string }
  /** host → page: a code lens on a custom_keys key opened the explorer: filter by that key. */
  | { type: 'filter'; filter: string }
  /** host → page: the config's smoke report appeared, changed or went away (see SmokeReportMessage). */
  | SmokeReportMessage;

/**
 * The smoke report beside the config (`defaultReportPath`, or where a run launched from the
 * editor wrote it), re-sent whenever that file changes. `report: null` with no `problem`: there
 * is none (the page hides its smoke tab); with a `problem`: it could not be read or checked.
 * `reveal`: a run just finished, so the page switches to its smoke tab.
 */
export interface SmokeReportMessage {
  type: 'smokeReport';
  file: string;
  report: SmokeReport | null;
  problem?: string;
  reveal?: boolean;
}

export type PageToHost =
  /** page → host: the script runs and listens; send the data (with the options a restored page remembers). */
  | { type: 'ready'; itersPerEpoch?: number; optimizerIndex?: number }
  /** page → host: the user picked a parameter: reveal its listing line and its config rule. */
  | { type: 'reveal'; param: number; name: string }
  /** page → host: recompute with these options. */
  | { type: 'options'; itersPerEpoch: number; optimizerIndex: number };

/** The part of the page's persisted state the host reads to restore a panel after a reload. */
export interface ExplorerPersistedState {
  configUri: string;
}

export function parsePageMessage(m: unknown): PageToHost | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') {
    const ready: PageToHost = { type: 'ready' };
    if (isInt(m.itersPerEpoch, 1)) ready.itersPerEpoch = m.itersPerEpoch;
    if (isInt(m.optimizerIndex)) ready.optimizerIndex = m.optimizerIndex;
    return ready;
  }
  if (m.type === 'reveal' && isInt(m.param) && isStr(m.name)) return { type: 'reveal', param: m.param, name: m.name };
  if (m.type === 'options' && isInt(m.itersPerEpoch, 1) && isInt(m.optimizerIndex))
    return { type: 'options', itersPerEpoch: m.itersPerEpoch, optimizerIndex: m.optimizerIndex };
  return undefined;
}

export function parseHostMessage(m: unknown): HostToPage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'data' && isStr(m.configUri) && isStr(m.title) && isExplorerPayload(m.payload)) return m as HostToPage;
  if (m.type === 'schedule' && (m.schedule === null || isScheduleView(m.schedule))) return m as HostToPage;
  if (m.type === 'unavailable' && isStr(m.configUri) && isStr(m.message)) return m as HostToPage;
  if (m.type === 'filter' && isStr(m.filter)) return { type: 'filter', filter: m.filter };
  if (m.type === 'smokeReport') return parseSmokeReportMessage(m);
  return undefined;
}

export function parsePersistedState(s: unknown): ExplorerPersistedState | undefined {
  return isObj(s) && isStr(s.configUri) && s.configUri ? { configUri: s.configUri } : undefined;
}

/** Structure and index ranges, so that the page never indexes outside a table. */
export function isExplorerPayload(p: unknown): p is ExplorerPayload {
  if (!isObj(p) || p.version !== 1 || !isInt(p.count) || !isObj(p.params)) return false;
  const { count: n, params: c } = p;
  const tables = [p.sets, p.rules, p.shapes, p.formulas, p.layers, p.optimizers, p.excluded, p.problems, p.files];
  if (!tables.every(Array.isArray) || !isStr(c.names) || (n > 0 && lineCount(c.names) !== n)) return false;
  const [sets, rules, shapes, formulas] = tables as unknown[][];
  return (
    ['lr', 'weightDecay', 'lrWd', 'lrScale', 'layerId'].every((k) => isColumn(c[k], n, true)) &&
    isColumn(c.group, n, false, Infinity, 0) &&
    isColumn(c.numel, n, false, Infinity, 0) &&
    isColumn(c.listingOffset, n, false, Infinity, -1) &&
    isColumn(c.set, n, false, sets.length, 0) &&
    isColumn(c.rule, n, false, rules.length, 0) &&
    isColumn(c.shape, n, false, shapes.length, 0) &&
    isColumn(c.lrFormula, n, false, formulas.length, -1) &&
    isColumn(c.wdFormula, n, false, formulas.length, -1) &&
    shapes.every(isStr) &&
    formulas.every(isStr) &&
    rules.every((r) => isObj(r) && isStr(r.label) && Array.isArray(r.shadowed)) &&
    sets.every((s) => isObj(s) && isInt(s.count) && Array.isArray(s.frameworkGroups)) &&
    (p.schedule === null || isScheduleView(p.schedule))
  );
}

/** Lines of a '\n'-joined table, without splitting 100k strings out of it. */
function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function isScheduleView(s: unknown): s is ScheduleView {
  if (
    !isObj(s) ||
    !isInt(s.itersPerEpoch, 1) ||
    !isInt(s.totalIters) ||
    !Array.isArray(s.x) ||
    !Array.isArray(s.series) ||
    !Array.isArray(s.problems)
  )
    return false;
  const n = s.x.length;
  return (
    isColumn(s.x, n, false, s.totalIters, 0) &&
    s.series.every((l) => isObj(l) && isStr(l.label) && Array.isArray(l.sets) && isColumn(l.y, n, true))
  );
}

/** A report file's text as the host's message: bad JSON or a wrong shape becomes a `problem`, never a throw. */
export function smokeReportMessage(file: string, text: string): SmokeReportMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return {
      type: 'smokeReport',
      file,
      report: null,
      problem: `${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
    };
  }
  const problem = smokeReportProblem(parsed);
  if (problem)
    return {
      type: 'smokeReport',
      file,
      report: null,
      problem: `${file} is not a smoke report this Paramwise can chart: ${problem}.`,
    };
  return { type: 'smokeReport', file, report: parsed as SmokeReport };
}

function parseSmokeReportMessage(m: Obj): SmokeReportMessage | undefined {
  if (
    !isStr(m.file) ||
    (m.problem !== undefined && !isStr(m.problem)) ||
    (m.reveal !== undefined && typeof m.reveal !== 'boolean')
  )
    return undefined;
  if (m.report !== null && smokeReportProblem(m.report) !== undefined) return undefined;
  const message: SmokeReportMessage = { type: 'smokeReport', file: m.file, report: m.report as SmokeReport | null };
  if (isStr(m.problem)) message.problem = m.problem;
  if (m.reveal === true) message.reveal = true;
  return message;
}
