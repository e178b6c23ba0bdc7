// Chart.js with only the pieces the explorer draws (tree-shaken), themed from VS Code, and a
// marker on each canvas once drawn (the browser tests and the benchmark wait for it).

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type Plugin,
} from 'chart.js';
import type { ChartTheme } from './theme.ts';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
);

const drawnMarker: Plugin = {
  id: 'paramwiseDrawn',
  afterRender(chart) {
    chart.canvas.dataset.drawn = String(Number(chart.canvas.dataset.drawn ?? 0) + 1);
  },
};
Chart.register(drawnMarker);

export function applyTheme(theme: ChartTheme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = theme.fontSize;
  // Data arrive once and update in place: animations would only delay the first picture.
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}

export { Chart };
