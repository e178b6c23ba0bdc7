// Chart colours from the VS Code theme (the --vscode-* variables VS Code sets on <html>),
// re-read whenever the user switches themes.

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  /** Series colours in VS Code's chart order. */
  palette: string[];
}

export function chartTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-charts-foreground', v('--vscode-foreground', '#cccccc'));
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: withAlpha(v('--vscode-charts-lines', foreground), 0.25),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13px')) - 1 || 12,
    palette: ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((c, i) =>
      v(`--vscode-charts-${c}`, FALLBACK[i]),
    ),
  };
}

const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

/** The i-th series colour; past the palette, the same hues again, lighter. */
export function seriesColor(theme: ChartTheme, i: number): string {
  const base = theme.palette[i % theme.palette.length];
  const round = Math.floor(i / theme.palette.length);
  return round === 0 ? base : withAlpha(base, Math.max(0.35, 1 - 0.25 * round));
}

/** #rgb, #rrggbb, #rrggbbaa or rgb()/rgba() with a new alpha; other forms unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color);
  if (hex) {
    const h = hex[1].length <= 4 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    const [r, g, b] = [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(color);
  return rgb ? `rgba(${rgb[1].trim()}, ${rgb[2].trim()}, ${rgb[3].trim()}, ${alpha})` : color;
}

/** VS Code swaps the body class and the variables on <html> when the theme changes. */
export function onThemeChange(callback: () => void): void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
