// Text rendering shared by the CLI commands: positions as file:line:col, aligned tables.

import { LineIndex } from '../core/positions.ts';
import type { Span } from '../core/pyvalue.ts';
import type { CliIO } from '../node/io.ts';

export function makeLocator(io: CliIO): (span: Span | undefined) => string {
  const indexes = new Map<string, LineIndex | undefined>();
  return (span) => {
    if (!span) return '';
    if (!indexes.has(span.file)) {
      const text = io.readText(span.file);
      indexes.set(span.file, text === undefined ? undefined : new LineIndex(text));
    }
    const index = indexes.get(span.file);
    if (!index) return `${span.file}:`;
    const { line, character } = index.position(span.start);
    return `${span.file}:${line + 1}:${character + 1}:`;
  };
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return (
    rows
      .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '))
      .join('\n') + '\n'
  );
}

export function compactCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
