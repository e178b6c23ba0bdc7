// lr and weight decay per layer id (layer decay made visible), over bars with the share of
// each layer's parameters that decay and that do not.

import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { ExplorerPayload } from '../../server/src/protocol/webview.ts';
import { Chart } from './chartSetup.ts';
import { count, short } from './format.ts';
import { type ChartTheme, withAlpha } from './theme.ts';

type LayerRows = ExplorerPayload['layers'];

export class LayerChart {
  private chart?: Chart;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly empty: HTMLElement,
  ) {}

  update(payload: ExplorerPayload, theme: ChartTheme): void {
    const layers = payload.layers;
    this.empty.hidden = layers.length > 0;
    this.empty.textContent = `No layer ids: ${payload.optimizers[payload.optimizerIndex]?.scheme ?? 'this scheme'} does not assign parameters to layers.`;
    this.canvas.hidden = layers.length === 0;
    if (!layers.length) {
      this.chart?.destroy();
      this.chart = undefined;
      return;
    }
    const config = layerConfig(layers, theme);
    if (!this.chart) this.chart = new Chart(this.canvas, config);
    else {
      this.chart.data = config.data;
      this.chart.options = config.options ?? {};
      this.chart.update();
    }
  }
}

function layerConfig(
  layers: LayerRows,
  theme: ChartTheme,
): ChartConfiguration<'bar' | 'line', (number | null)[], string> {
  const [lrColor, wdColor, decayColor] = [theme.palette[0], theme.palette[1], theme.palette[3]];
  const share = (l: LayerRows[number], decayed: boolean): number =>
    (100 * (decayed ? l.decayed : l.notDecayed)) / Math.max(1, l.decayed + l.notDecayed);
  const lrs = layers.map((l) => l.lr).filter((x): x is number => x !== null && x > 0);
  // A geometric ramp reads as a straight line on a log axis; a flat lr does not need one.
  const logLr = lrs.length > 1 && Math.max(...lrs) / Math.min(...lrs) > 20;
  return {
    type: 'bar',
    data: {
      labels: layers.map((l) => String(l.layerId)),
      datasets: [
        {
          type: 'line',
          label: 'lr',
          data: layers.map((l) => l.lr),
          yAxisID: 'lr',
          borderColor: lrColor,
          backgroundColor: lrColor,
          pointRadius: 2.5,
          borderWidth: 2,
          order: 1,
        },
        {
          type: 'line',
          label: 'weight decay',
          data: layers.map((l) => l.weightDecay),
          yAxisID: 'wd',
          borderColor: wdColor,
          backgroundColor: wdColor,
          pointRadius: 2,
          borderWidth: 1.5,
          borderDash: [5, 3],
          order: 1,
        },
        {
          type: 'bar',
          label: 'decayed',
          data: layers.map((l) => share(l, true)),
          yAxisID: 'share',
          stack: 'share',
          backgroundColor: withAlpha(decayColor, 0.35),
          order: 2,
        },
        {
          type: 'bar',
          label: 'not decayed',
          data: layers.map((l) => share(l, false)),
          yAxisID: 'share',
          stack: 'share',
          backgroundColor: withAlpha(theme.muted, 0.18),
          order: 2,
        },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, title: { display: true, text: 'layer id' }, grid: { display: false } },
        lr: {
          type: logLr ? 'logarithmic' : 'linear',
          position: 'left',
          title: { display: true, text: logLr ? 'lr (log)' : 'lr' },
          ticks: { callback: (v) => short(Number(v)), maxTicksLimit: 6 },
        },
        wd: {
          position: 'right',
          beginAtZero: true,
          title: { display: true, text: 'weight decay' },
          grid: { drawOnChartArea: false },
          ticks: { callback: (v) => short(Number(v)), maxTicksLimit: 6 },
        },
        share: { display: false, stacked: true, min: 0, max: 100 },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 8 } },
        tooltip: { callbacks: { label: (item) => tooltipLine(layers, item) } },
      },
    },
  };
}

function tooltipLine(layers: LayerRows, item: TooltipItem<'bar' | 'line'>): string {
  const l = layers[item.dataIndex];
  switch (item.datasetIndex) {
    case 0:
      return `lr ${short(l.lr ?? NaN)}${l.lrMin !== l.lrMax ? ` (${short(l.lrMin ?? NaN)}–${short(l.lrMax ?? NaN)})` : ''}`;
    case 1:
      return `weight decay ${short(l.weightDecay)}`;
    case 2:
      return `decayed: ${l.decayed} params, ${count(l.decayedNumel)} elements`;
    default:
      return `not decayed: ${l.notDecayed} params, ${count(l.notDecayedNumel)} elements`;
  }
}
