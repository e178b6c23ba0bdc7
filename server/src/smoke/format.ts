// Terminal lines of a smoke run. `step N/M` starts every progress line: the VS Code task's
// pseudoterminal reads it to draw its progress bar.

import type { SmokePoint, SmokeReport, SmokeRun, SmokeSet } from '../protocol/smokeReport.ts';

const sci = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : String(v));
const fixed = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

export function progressLine(label: SmokeRun['label'], point: SmokePoint, steps: number): string {
  const prefix = label === 'fixed' ? 'fixed ' : '';
  const lrs = [...new Set(point.lr.map(sci))].join(',');
  const ratios = point.updateRatio.map(sci).join(' ');
  const norm = point.normWeightRms === null ? '' : `  normW ${fixed(point.normWeightRms, 3)}`;
  return `${prefix}step ${String(point.step).padStart(String(steps).length)}/${steps}  loss ${fixed(point.loss)}  acc ${fixed(point.trainAcc, 2)}/${fixed(point.valAcc, 2)}  val ${fixed(point.valLoss)}  lr ${lrs}  upd ${ratios}${norm}`;
}

export function setLines(sets: readonly SmokeSet[]): string[] {
  return sets.map(
    (s) =>
      `  set ${s.id}: ${s.params} params (${compact(s.numel)}), lr ${s.lr ?? '-'}, wd ${s.weightDecay ?? '-'}${s.lrScale !== undefined ? `, lr_scale ${s.lrScale}` : ''}  ← ${s.rule}  e.g. ${s.examples.join(', ')}`,
  );
}

export function summaryLines(report: SmokeReport): string[] {
  const lines: string[] = [];
  for (const run of report.runs) {
    const first = run.points[0];
    const last = run.points[run.points.length - 1];
    const curve =
      first && last
        ? `loss ${fixed(first.loss)} → ${fixed(last.loss)}, val acc ${fixed(first.valAcc, 2)} → ${fixed(last.valAcc, 2)}`
        : 'no logged step';
    lines.push(`${run.label}: ${run.status}, ${curve}, ${run.stepsPerSecond.toFixed(1)} steps/s`);
    if (run.nonFinite) lines.push(`  NON-FINITE: ${run.nonFinite.message}`);
    const stalled = last ? run.sets.filter((s, i) => last.updateRatio[i] === 0 && s.params > 0).map((s) => s.id) : [];
    if (stalled.length && run.status === 'completed')
      lines.push(`  sets that did not move at the last step: ${stalled.join(', ')}`);
  }
  if (report.ab) lines.push(report.ab.summary);
  return lines;
}

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}
