// The words around the smoke charts: the status line (how the run ended, on what), the proxy,
// the A/B verdict and the audit's findings. Pure, so the Node tests read the same text.

import type { SmokeAudit, SmokeReport, SmokeRun } from '../../server/src/protocol/smokeReport.ts';

export type Tone = 'ok' | 'warning' | 'error';

export interface SmokeStatus {
  text: string;
  tone: Tone;
  /** The runner's own explanation of a non-finite run, or its error. */
  detail: string[];
}

export function smokeStatus(r: SmokeReport): SmokeStatus {
  const device = `${r.backend.name} on ${r.backend.device.toUpperCase()}`;
  if (r.status === 'error')
    return { text: `Failed · ${device}`, tone: 'error', detail: [r.error ?? 'The run stopped before training.'] };
  const ab = r.runs.length > 1;
  const allCompleted = r.runs.length > 0 && r.runs.every((run) => run.status === 'completed');
  const runs = allCompleted
    ? [`Completed ${r.steps} steps${ab ? ' in both arms' : ''}`]
    : r.runs.map((run) => `${ab ? `${run.label}: ` : ''}${runOutcome(run, r.steps, !ab)}`);
  const speed = r.runs[0] ? ` · ${r.runs[0].stepsPerSecond.toFixed(1)} steps/s` : '';
  const tone: Tone = r.runs.some((run) => run.status === 'non-finite')
    ? 'error'
    : r.runs.some((run) => run.status === 'cancelled')
      ? 'warning'
      : 'ok';
  const detail = r.runs.flatMap((run) =>
    run.nonFinite ? [`${ab ? `${run.label}: ` : ''}${run.nonFinite.message}`] : [],
  );
  return { text: `${runs.join(' · ') || 'No run'} · ${device}${speed}`, tone, detail };
}

function runOutcome(run: SmokeRun, steps: number, capital: boolean): string {
  const cap = (s: string): string => (capital ? s[0].toUpperCase() + s.slice(1) : s);
  const nf = run.nonFinite;
  if (run.status === 'non-finite' && nf) {
    const names = nf.params.length ? `: ${names3(nf.params)}` : '';
    return cap(`non-finite at step ${nf.step} in param_group ${nf.group} (set ${nf.set}${names}), ${nf.what} first`);
  }
  if (run.status === 'non-finite') return cap('non-finite');
  if (run.status === 'cancelled') return cap(`cancelled after step ${run.points.at(-1)?.step ?? 0} of ${steps}`);
  return cap(`completed ${run.points.at(-1)?.step ?? steps} steps`);
}

/** What was trained: the proxy, and why it is not the listing's own model when it is not. */
export function proxyLine(r: SmokeReport): string {
  const why = r.proxy.fallbackReason;
  const fallback = why && !r.proxy.description.includes(why) ? ` (fallback: ${why})` : '';
  return `Proxy: ${r.proxy.description}${fallback}`;
}

/** The A/B verdict: the final-gap summary first, then what the fixed arm changed and why. */
export function abLines(r: SmokeReport): string[] {
  if (!r.ab) return [];
  return [r.ab.summary, `Fixed variant (dashed): ${r.ab.variant}`, `Why: ${r.ab.reasons.join('; ')}`];
}

export function auditLines(a: SmokeAudit): string[] {
  const lines = [
    a.trainableNotOptimized.length
      ? `Trainable but not optimized: ${names3(
          a.trainableNotOptimized.map((x) => `${x.name} (${x.reason})`),
          6,
        )}`
      : '',
    a.inSeveralGroups.length
      ? `In several param_groups: ${names3(
          a.inSeveralGroups.map((x) => `${x.name} (groups ${x.groups.join(', ')})`),
          6,
        )}`
      : '',
    a.frozenInOptimizer.length
      ? `Frozen but inside the optimizer: ${names3(
          a.frozenInOptimizer.map((x) => `${x.name} (group ${x.group})`),
          6,
        )}`
      : '',
    a.emptyGroups.length ? `Empty param_groups: ${a.emptyGroups.join(', ')}` : '',
    a.tied.length
      ? `Tied weights: ${names3(
          a.tied.map(
            (t) =>
              `${t.names.join(' = ')} (groups ${t.groups.map((g) => (g === null ? 'none' : String(g))).join(' / ')})`,
          ),
          6,
        )}`
      : '',
  ].filter(Boolean);
  if (lines.length) return lines;
  return [
    a.ok
      ? 'No findings: every trainable parameter is in exactly one group; no frozen parameter in the optimizer, empty group or tied weight.'
      : 'The audit failed without naming a parameter.',
  ];
}

function names3(names: string[], max = 3): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
