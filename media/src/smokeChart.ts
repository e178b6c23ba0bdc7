// One smoke-run chart: lines over logged steps, the fixed arm of an A/B run dashed. The canvas
// carries its series count (data-series) for the browser tests.

import type { ChartConfiguration } from 'chart.js';
import { Chart } from './chartSetup.ts';
import { count, short } from './format.ts';
import type { ChartPoint, SmokeLine } from './smokeSeries.ts';
import { type ChartTheme, seriesColor } from './theme.ts';

/** Beyond this many lines the legend would crowd out the plot; tooltips still name them. */
const LEGEND_LIMIT = 12;

export interface SmokeAxis {
  title: string;
  log: boolean;
  lastStep: number;
}

export class SmokeChart {
  private chart?: Chart<'line', ChartPoint[]>;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly empty: HTMLElement,
    private readonly note: HTMLElement,
  ) {}

  update(lines: SmokeLine[], axis: SmokeAxis, theme: ChartTheme): void {
    const drawable = lines.some((l) => l.points.some((p) => p.y !== null));
    this.empty.hidden = drawable;
    this.empty.textContent = 'No logged steps to draw.';
    this.canvas.hidden = !drawable;
    this.canvas.dataset.series = String(drawable ? lines.length : 0);
    this.note.textContent = lines.length > LEGEND_LIMIT ? `${lines.length} lines · hover one to name it` : '';
    if (!drawable) {
      this.chart?.destroy();
      this.chart = undefined;
      return;
    }
    const config = lineConfig(lines, axis, theme);
    if (!this.chart) this.chart = new Chart(this.canvas, config);
    else {
      this.chart.data = config.data;
      this.chart.options = config.options ?? {};
      this.chart.update();
    }
  }
}

function lineConfig(lines: SmokeLine[], axis: SmokeAxis, theme: ChartTheme): ChartConfiguration<'line', ChartPoint[]> {
  return {
    type: 'line',
    data: {
      datasets: lines.map((line) => ({
        label: line.label,
        data: line.points,
        borderColor: seriesColor(theme, line.color),
        backgroundColor: seriesColor(theme, line.color),
        borderDash: line.fixed ? [6, 4] : [],
        borderWidth: 1.5,
        // A run that stopped after a point or two would otherwise draw nothing.
        pointRadius: line.points.length <= 2 ? 2.5 : 0,
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
          max: axis.lastStep,
          title: { display: true, text: 'step' },
          ticks: { callback: (v) => count(Number(v)), maxTicksLimit: 8 },
          grid: { display: false },
        },
        // Log ticks come as 100000.00000000001: round before formatting. `grace` keeps a first loss off the top edge.
        y: {
          type: axis.log ? 'logarithmic' : 'linear',
          grace: axis.log ? 0 : '5%',
          title: { display: true, text: axis.log ? `${axis.title} (log)` : axis.title },
          ticks: { callback: (v) => short(Number(Number(v).toPrecision(10))), maxTicksLimit: 6 },
        },
      },
      plugins: {
        legend: { display: lines.length <= LEGEND_LIMIT, position: 'bottom', labels: { boxWidth: 14, boxHeight: 2 } },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? `step ${items[0].parsed.x}` : ''),
            label: (item) => `${item.dataset.label}: ${short(item.parsed.y ?? NaN)}`,
            afterLabel: (item) => lines[item.datasetIndex]?.detail ?? '',
          },
        },
      },
    },
  };
}
