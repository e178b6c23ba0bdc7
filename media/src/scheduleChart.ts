// lr over iterations, one line per distinct curve among the settings sets.

import type { ChartConfiguration } from 'chart.js';
import type { ScheduleView } from '../../server/src/protocol/webview.ts';
import { Chart } from './chartSetup.ts';
import { count, short } from './format.ts';
import { type ChartTheme, seriesColor } from './theme.ts';

type Point = { x: number; y: number | null };

/** Beyond this many lines the legend would crowd out the plot; tooltips still name them. */
const LEGEND_LIMIT = 6;

export class ScheduleChart {
  private chart?: Chart<'line', Point[]>;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly empty: HTMLElement,
    private readonly note: HTMLElement,
  ) {}

  update(schedule: ScheduleView | null, theme: ChartTheme): void {
    const lines = schedule?.series ?? [];
    const why = schedule?.problems.find((p) => p.severity === 'error')?.message;
    this.empty.hidden = lines.length > 0;
    this.empty.textContent = why ?? 'No schedule to draw.';
    this.canvas.hidden = lines.length === 0;
    this.note.textContent = lines.length > LEGEND_LIMIT ? `${lines.length} curves · hover one to name its sets` : '';
    if (!schedule || !lines.length) {
      this.chart?.destroy();
      this.chart = undefined;
      return;
    }
    const config = scheduleConfig(schedule, theme);
    if (!this.chart) this.chart = new Chart(this.canvas, config);
    else {
      this.chart.data = config.data;
      this.chart.options = config.options ?? {};
      this.chart.update();
    }
  }
}

function scheduleConfig(s: ScheduleView, theme: ChartTheme): ChartConfiguration<'line', Point[]> {
  const epoch = (x: number): string => `epoch ${Math.floor(x / s.itersPerEpoch)}`;
  return {
    type: 'line',
    data: {
      datasets: s.series.map((line, i) => ({
        label: line.label,
        data: s.x.map((x, k) => ({ x, y: line.y[k] })),
        borderColor: seriesColor(theme, i),
        backgroundColor: seriesColor(theme, i),
        borderWidth: 1.5,
        pointRadius: 0,
        pointHitRadius: 4,
      })),
    },
    options: {
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: Math.max(1, s.totalIters - 1),
          title: { display: true, text: `iteration (${s.itersPerEpoch} per epoch)` },
          ticks: { callback: (v) => count(Number(v)), maxTicksLimit: 8 },
          grid: { display: false },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          title: { display: true, text: s.lrScaleApplied ? 'lr × lr_scale' : 'lr' },
          ticks: { callback: (v) => short(Number(v)), maxTicksLimit: 6 },
        },
      },
      plugins: {
        legend: {
          display: s.series.length <= LEGEND_LIMIT,
          position: 'bottom',
          labels: { boxWidth: 12, boxHeight: 2 },
        },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? `iteration ${items[0].parsed.x} · ${epoch(items[0].parsed.x ?? 0)}` : ''),
            label: (item) => `${item.dataset.label}: ${short(item.parsed.y ?? NaN)}`,
          },
        },
      },
    },
  };
}
