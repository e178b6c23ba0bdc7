// The group explorer page: receives the payload from the host, draws the tree and the two
// charts (and, when the host has a smoke report, the smoke run's tab), and keeps the user's view (filter, sort, grouping, selection, scroll) across
// live updates and reloads.

import {
  parseHostMessage,
  type ExplorerPayload,
  type HostToPage,
  type ScheduleView,
} from '../../server/src/protocol/webview.ts';
import { applyTheme } from './chartSetup.ts';
import { decode, type Model } from './data.ts';
import { showDetail } from './detail.ts';
import { count } from './format.ts';
import { createLayout } from './layout.ts';
import { LayerChart } from './layerChart.ts';
import { ScheduleChart } from './scheduleChart.ts';
import { SmokeView } from './smokeView.ts';
import { loadState, saveState } from './state.ts';
import { bindToolbar, showFilter, showFilterError, showOptions } from './toolbar.ts';
import { GroupTree } from './tree.ts';
import { chartTheme, onThemeChange } from './theme.ts';
import { post } from './vscodeApi.ts';

const state = loadState();
const ui = createLayout(document.body);
const layerChart = new LayerChart(ui.layerCanvas, ui.layerEmpty);
const scheduleChart = new ScheduleChart(ui.scheduleCanvas, ui.scheduleEmpty, ui.scheduleNote);
let model: Model | undefined;
let schedule: ScheduleView | null = null;
let restoredScroll = false;
const smoke = new SmokeView(document.body, state, () => saveState(state));

const tree = new GroupTree(ui.tree, state, {
  select(param, reveal) {
    showDetail(ui.detail, model, param);
    if (reveal && model) post({ type: 'reveal', param, name: model.names[param] });
  },
  changed: () => saveState(state),
  scrolled: () => saveState(state, true),
});

bindToolbar(ui, state, {
  filterChanged: () => refreshTree(),
  modeChanged: () => refreshTree(),
  expandAll(open) {
    const groups = model?.groups[state.mode].length ?? 0;
    state.collapsed[state.mode] = open ? [] : Array.from({ length: groups }, (_, g) => g);
    refreshTree();
  },
  optionsChanged() {
    saveState(state);
    post({
      type: 'options',
      itersPerEpoch: state.itersPerEpoch ?? schedule?.itersPerEpoch ?? 100,
      optimizerIndex: state.optimizerIndex,
    });
  },
});

function refreshTree(): void {
  const rows = tree.refresh();
  showFilterError(ui, rows.filterError);
  showSummary(rows.matched);
  saveState(state);
}

function showSummary(matched: number): void {
  if (!model) return;
  const p = model.payload;
  const opt = p.optimizers[p.optimizerIndex];
  const numel = model.numel.reduce((a, b) => a + b, 0);
  const parts = [
    matched === p.count ? `${p.count} parameters` : `${matched} of ${p.count} parameters`,
    `${p.sets.length} settings sets`,
    `${p.frameworkGroupCount} param_groups`,
    `${count(numel)} elements`,
  ];
  if (opt) parts.push(`${opt.optimizerType} · ${opt.scheme}`);
  if (p.excluded.length) parts.push(`${p.excluded.length} not optimized`);
  ui.summary.textContent = parts.join(' · ');
}

function showProblems(payload: ExplorerPayload): void {
  const shown = payload.problems.filter((x) => x.severity !== 'info').slice(0, 3);
  ui.problems.hidden = shown.length === 0;
  ui.problems.replaceChildren(
    ...shown.map((x) => {
      const line = document.createElement('div');
      line.className = x.severity;
      line.textContent = x.message;
      return line;
    }),
  );
  const more = payload.problems.length - shown.length;
  if (more > 0 && shown.length) ui.problems.append(`(${more} more)`);
}

function drawCharts(): void {
  if (!model) return;
  const theme = chartTheme();
  applyTheme(theme);
  layerChart.update(model.payload, theme);
  scheduleChart.update(schedule, theme);
}

function onMessage(msg: HostToPage): void {
  if (msg.type === 'unavailable') {
    state.configUri = msg.configUri;
    document.getElementById('explorer')!.hidden = true;
    ui.unavailable.hidden = false;
    ui.unavailable.textContent = msg.message;
    saveState(state);
    return;
  }
  if (msg.type === 'schedule') {
    schedule = msg.schedule;
    drawCharts();
    return;
  }
  if (msg.type === 'filter') {
    showFilter(ui, state, msg.filter);
    refreshTree();
    return;
  }
  if (msg.type === 'smokeReport') {
    smoke.update(msg);
    document.body.dataset.smokeRendered = String(Number(document.body.dataset.smokeRendered ?? 0) + 1);
    return;
  }
  document.getElementById('explorer')!.hidden = false;
  ui.unavailable.hidden = true;
  state.configUri = msg.configUri;
  document.title = msg.title;
  model = decode(msg.payload);
  schedule = msg.payload.schedule;
  tree.setModel(model);
  if (!restoredScroll) {
    restoredScroll = true;
    tree.table.scrollTop = state.scrollTop;
  }
  refreshTree();
  showDetail(ui.detail, model, tree.selectedParam());
  showOptions(ui, msg.payload, state);
  showProblems(msg.payload);
  drawCharts();
  saveState(state);
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = parseHostMessage(event.data);
  // Validated on arrival: anything else posted to the window is not ours to act on.
  if (msg) onMessage(msg);
  else console.warn('paramwise explorer: ignored a message that is not a valid host message', event.data);
});
onThemeChange(() => {
  drawCharts();
  smoke.redraw();
});
showDetail(ui.detail, undefined, undefined);
post({
  type: 'ready',
  optimizerIndex: state.optimizerIndex,
  ...(state.itersPerEpoch === null ? {} : { itersPerEpoch: state.itersPerEpoch }),
});
