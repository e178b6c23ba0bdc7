// The page's skeleton: toolbar, problems, tree, selection details and the two charts.
// Built here rather than in the host's HTML so that the page owns all of its structure.

import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';

export interface Layout {
  filter: HTMLElement & { value: string; invalid: boolean };
  regex: HTMLElement;
  mode: HTMLElement & { value: string };
  optimizer: HTMLElement & { value: string };
  expandAll: HTMLElement;
  collapseAll: HTMLElement;
  summary: HTMLElement;
  problems: HTMLElement;
  tree: HTMLElement;
  detail: HTMLElement;
  layerCanvas: HTMLCanvasElement;
  layerEmpty: HTMLElement;
  scheduleCanvas: HTMLCanvasElement;
  scheduleEmpty: HTMLElement;
  scheduleNote: HTMLElement;
  iters: HTMLElement & { value: string; invalid: boolean };
  unavailable: HTMLElement;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const custom = <T extends HTMLElement>(
  tag: string,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): T => el(tag as 'div', attrs, ...children) as unknown as T;

export function createLayout(root: HTMLElement): Layout {
  const regex = custom('vscode-icon', {
    name: 'regex',
    'action-icon': '',
    slot: 'content-after',
    title: 'Use regular expression',
    role: 'switch',
    'aria-checked': 'false',
    id: 'regex',
  });
  const filter = custom<Layout['filter']>(
    'vscode-textfield',
    { id: 'filter', placeholder: 'Filter parameters by name', 'aria-label': 'Filter parameters by name' },
    regex,
  );
  const mode = custom<Layout['mode']>(
    'vscode-single-select',
    { id: 'mode', 'aria-label': 'Grouping' },
    custom('vscode-option', { value: 'sets' }, 'Identical settings'),
    custom('vscode-option', { value: 'framework' }, 'Framework param_groups'),
  );
  const optimizer = custom<Layout['optimizer']>('vscode-single-select', {
    id: 'optimizer',
    'aria-label': 'Optimizer',
    hidden: '',
  });
  const expandAll = custom('vscode-toolbar-button', {
    icon: 'expand-all',
    label: 'Expand all groups',
    title: 'Expand all groups',
    id: 'expand-all',
  });
  const collapseAll = custom('vscode-toolbar-button', {
    icon: 'collapse-all',
    label: 'Collapse all groups',
    title: 'Collapse all groups',
    id: 'collapse-all',
  });
  const summary = el('span', { id: 'summary', class: 'summary' });
  const toolbar = el('header', { class: 'toolbar' }, filter, mode, optimizer, expandAll, collapseAll, summary);
  const problems = el('div', { id: 'problems', class: 'problems', hidden: '' });
  const tree = el('section', { id: 'tree', class: 'tree', 'aria-label': 'Parameter groups' });
  const detail = el('div', { id: 'detail', class: 'detail' });
  const layer = chartFigure('layer-chart', 'lr and weight decay per layer');
  const iters = custom<Layout['iters']>('vscode-textfield', {
    id: 'iters',
    type: 'number',
    min: '1',
    step: '1',
    'aria-label': 'Iterations per epoch',
    class: 'iters',
  });
  const scheduleNote = el('span', { class: 'note', id: 'schedule-note' });
  const schedule = chartFigure(
    'schedule-chart',
    'lr schedule',
    scheduleNote,
    custom('vscode-label', { for: 'iters' }, 'iterations per epoch'),
    iters,
  );
  const charts = el('section', { class: 'charts' }, layer.figure, schedule.figure);
  const unavailable = el('div', { id: 'unavailable', class: 'unavailable', hidden: '' });
  const main = el('main', { id: 'explorer' }, toolbar, problems, tree, detail, charts);
  root.append(main, unavailable);
  return {
    filter,
    regex,
    mode,
    optimizer,
    expandAll,
    collapseAll,
    summary,
    problems,
    tree,
    detail,
    layerCanvas: layer.canvas,
    layerEmpty: layer.empty,
    scheduleCanvas: schedule.canvas,
    scheduleEmpty: schedule.empty,
    scheduleNote,
    iters,
    unavailable,
  };
}

export function chartFigure(
  id: string,
  title: string,
  ...controls: Node[]
): { figure: HTMLElement; canvas: HTMLCanvasElement; empty: HTMLElement } {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': title });
  const empty = el('p', { class: 'empty', hidden: '' });
  const caption = el('figcaption', {}, el('span', { class: 'title' }, title), ...controls);
  const figure = el('figure', { class: 'chart' }, caption, el('div', { class: 'canvas-box' }, canvas, empty));
  return { figure, canvas, empty };
}
