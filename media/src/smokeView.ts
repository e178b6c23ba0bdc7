// The "Smoke run" tab: present only while the host has a smoke report (or a problem reading
// one) for this config. Status line, proxy, A/B verdict, the three charts and the audit.

import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import type { SmokeReportMessage } from '../../server/src/protocol/webview.ts';
import { applyTheme } from './chartSetup.ts';
import { chartFigure, el } from './layout.ts';
import { SmokeChart } from './smokeChart.ts';
import { smokeSeries, wantsLog } from './smokeSeries.ts';
import { abLines, auditLines, proxyLine, smokeStatus } from './smokeText.ts';
import type { Tab, ViewState } from './state.ts';
import { chartTheme } from './theme.ts';

interface SmokeCharts {
  loss: SmokeChart;
  lr: SmokeChart;
  updateRatio: SmokeChart;
}

export class SmokeView {
  private report: SmokeReport | null = null;
  private problem: string | undefined;
  /** Charts wait until their tab shows: Chart.js cannot size a hidden canvas. */
  private stale = false;
  private readonly nav = el('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Views', hidden: '' });
  private readonly tabs: Record<Tab, HTMLButtonElement> = {
    groups: tabButton('groups', 'Groups'),
    smoke: tabButton('smoke', 'Smoke run'),
  };
  private readonly status = el('div', { id: 'smoke-status', class: 'status' });
  private readonly detail = el('div', { id: 'smoke-detail', class: 'detail-lines' });
  private readonly problemBox = el('div', { id: 'smoke-problem', class: 'problems', hidden: '' });
  private readonly ab = el('div', { id: 'smoke-ab', class: 'ab', hidden: '' });
  private readonly audit = el('ul', { id: 'smoke-audit', class: 'audit' });
  private readonly body = el('div', { class: 'smoke-body' });
  private readonly charts: SmokeCharts;

  constructor(
    root: HTMLElement,
    private readonly state: ViewState,
    private readonly changed: () => void,
  ) {
    this.nav.append(this.tabs.groups, this.tabs.smoke);
    for (const [tab, button] of Object.entries(this.tabs) as [Tab, HTMLButtonElement][])
      button.addEventListener('click', () => this.select(tab));
    this.nav.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      this.select(this.state.tab === 'smoke' ? 'groups' : 'smoke');
      this.tabs[this.state.tab].focus();
    });
    const figure = (id: string, title: string): [HTMLElement, SmokeChart] => {
      const note = el('span', { class: 'note' });
      const f = chartFigure(id, title, note);
      return [f.figure, new SmokeChart(f.canvas, f.empty, note)];
    };
    const [lossFigure, loss] = figure('smoke-loss-chart', 'loss');
    const [lrFigure, lr] = figure('smoke-lr-chart', 'lr per settings set');
    const [ratioFigure, updateRatio] = figure('smoke-ratio-chart', 'update ratio ‖Δw‖/‖w‖ per set');
    this.charts = { loss, lr, updateRatio };
    this.body.append(
      this.ab,
      el('section', { class: 'charts' }, lossFigure, lrFigure, ratioFigure),
      el('h3', {}, 'Audit'),
      this.audit,
    );
    const section = el(
      'section',
      { id: 'smoke', class: 'smoke', role: 'tabpanel', 'aria-label': 'Smoke run' },
      this.status,
      this.detail,
      this.problemBox,
      this.body,
    );
    root.prepend(this.nav);
    root.append(section);
    this.applyTab();
  }

  update(message: SmokeReportMessage): void {
    this.report = message.report;
    this.problem = message.problem;
    if (message.reveal) {
      this.state.tab = 'smoke';
      this.changed();
    }
    this.showText(message.file);
    this.redraw();
  }

  /** After new data or a theme change: draw now if the tab shows, else when it is opened. */
  redraw(): void {
    this.stale = true;
    this.applyTab();
  }

  private select(tab: Tab): void {
    this.state.tab = tab;
    this.changed();
    this.applyTab();
  }

  private applyTab(): void {
    const present = this.report !== null || this.problem !== undefined;
    const tab: Tab = present ? this.state.tab : 'groups';
    this.nav.hidden = !present;
    document.body.dataset.tab = tab;
    for (const [name, button] of Object.entries(this.tabs)) {
      button.setAttribute('aria-selected', String(name === tab));
      button.tabIndex = name === tab ? 0 : -1;
    }
    if (tab === 'smoke' && this.stale) this.draw();
  }

  private showText(file: string): void {
    const r = this.report;
    this.problemBox.hidden = this.problem === undefined;
    this.problemBox.replaceChildren(el('div', { class: 'error' }, this.problem ?? ''));
    this.body.hidden = r === null;
    if (!r) {
      this.status.textContent = this.problem ? 'The smoke report cannot be shown.' : 'No smoke report.';
      this.status.className = 'status warning';
      this.detail.replaceChildren();
      return;
    }
    const status = smokeStatus(r);
    this.status.textContent = status.text;
    this.status.className = `status ${status.tone}`;
    this.status.title = `${r.backend.detail}\n${file}`;
    this.detail.replaceChildren(
      ...status.detail.map((d) => el('div', { class: 'error' }, d)),
      el('div', {}, proxyLine(r)),
    );
    const ab = abLines(r);
    this.ab.hidden = ab.length === 0;
    this.ab.replaceChildren(...ab.map((line, i) => el('div', { class: i === 0 ? 'summary-line' : '' }, line)));
    this.audit.className = `audit ${r.audit.ok ? 'ok' : 'findings'}`;
    this.audit.replaceChildren(...auditLines(r.audit).map((line) => el('li', {}, line)));
  }

  private draw(): void {
    this.stale = false;
    const theme = chartTheme();
    applyTheme(theme);
    const s = this.report ? smokeSeries(this.report) : { loss: [], lr: [], updateRatio: [], lastStep: 1 };
    this.charts.loss.update(s.loss, { title: 'loss', log: wantsLog(s.loss, 50), lastStep: s.lastStep }, theme);
    this.charts.lr.update(s.lr, { title: 'lr', log: wantsLog(s.lr, 20), lastStep: s.lastStep }, theme);
    this.charts.updateRatio.update(s.updateRatio, { title: '‖Δw‖/‖w‖', log: true, lastStep: s.lastStep }, theme);
  }
}

function tabButton(tab: Tab, label: string): HTMLButtonElement {
  return el('button', { type: 'button', role: 'tab', id: `tab-${tab}`, 'data-tab': tab }, label);
}
