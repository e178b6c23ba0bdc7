// Toolbar and chart controls → view state and callbacks. The controls show the restored
// state on load; every change is applied at once (filtering 100k names takes milliseconds).

import type { ExplorerPayload } from '../../server/src/protocol/webview.ts';
import type { Layout } from './layout.ts';
import type { ViewState } from './state.ts';

export interface ToolbarEvents {
  filterChanged(): void;
  modeChanged(): void;
  expandAll(open: boolean): void;
  optionsChanged(): void;
}

export function bindToolbar(ui: Layout, state: ViewState, events: ToolbarEvents): void {
  ui.filter.value = state.filter;
  setRegex(ui, state.regex);
  ui.mode.value = state.mode;
  if (state.itersPerEpoch !== null) ui.iters.value = String(state.itersPerEpoch);
  ui.filter.addEventListener('input', () => {
    state.filter = ui.filter.value;
    events.filterChanged();
  });
  ui.regex.addEventListener('click', () => {
    state.regex = !state.regex;
    setRegex(ui, state.regex);
    events.filterChanged();
  });
  ui.mode.addEventListener('change', () => {
    state.mode = ui.mode.value === 'framework' ? 'framework' : 'sets';
    events.modeChanged();
  });
  ui.expandAll.addEventListener('click', () => events.expandAll(true));
  ui.collapseAll.addEventListener('click', () => events.expandAll(false));
  ui.optimizer.addEventListener('change', () => {
    state.optimizerIndex = Number(ui.optimizer.value) || 0;
    events.optionsChanged();
  });
  ui.iters.addEventListener('change', () => {
    const n = Number(ui.iters.value);
    ui.iters.invalid = !(Number.isInteger(n) && n > 0);
    if (ui.iters.invalid || n === state.itersPerEpoch) return;
    state.itersPerEpoch = n;
    events.optionsChanged();
  });
}

function setRegex(ui: Layout, on: boolean): void {
  ui.regex.classList.toggle('active', on);
  ui.regex.setAttribute('aria-checked', String(on));
}

/** Optimizer choice (several optimizers, e.g. a GAN's generator and discriminator) and iterations. */
export function showOptions(ui: Layout, payload: ExplorerPayload, state: ViewState): void {
  const names = payload.optimizers.map((o, i) => o.name || `optimizer ${i}`);
  ui.optimizer.hidden = names.length < 2;
  if (names.length >= 2 && ui.optimizer.childElementCount !== names.length) {
    ui.optimizer.replaceChildren(
      ...names.map((name, i) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', String(i));
        option.textContent = name;
        return option;
      }),
    );
  }
  ui.optimizer.value = String(payload.optimizerIndex);
  if (payload.schedule && state.itersPerEpoch === null) ui.iters.value = String(payload.schedule.itersPerEpoch);
}

/** A filter set from outside (a code lens): shown in the field, as plain text. */
export function showFilter(ui: Layout, state: ViewState, filter: string): void {
  state.filter = filter;
  state.regex = false;
  ui.filter.value = filter;
  setRegex(ui, false);
}

export function showFilterError(ui: Layout, error: string | undefined): void {
  ui.filter.invalid = error !== undefined;
  ui.filter.title = error ? `Invalid regular expression: ${error}` : '';
}
