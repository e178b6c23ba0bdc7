// The LSP fuzz campaign's longer mode: the same seeded generator as test/lsp/fuzzCampaign.test.ts
// (which runs 2,400 steps in `npm test`), here 20,000 steps on another seed, with its request
// latencies and the server's memory as figures. The campaign's own assertions still apply
// (no crash, every request under 1 s, RSS under 1 GB, no internal error): a failure is reported.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

type Figure = { value: number; unit: string; budget?: number };

const STEPS = Number(process.env.PARAMWISE_BENCH_FUZZ_STEPS ?? 20_000);
const SEED = Number(process.env.PARAMWISE_BENCH_FUZZ_SEED ?? 424242);

export async function benchFuzz(): Promise<Record<string, Figure>> {
  const test = join(import.meta.dirname, '../lsp/fuzzCampaign.test.ts');
  const env = { ...process.env, PARAMWISE_FUZZ_STEPS: String(STEPS), PARAMWISE_FUZZ_SEED: String(SEED) };
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', test], {
    env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  const line =
    /fuzz campaign: (\d+) steps, \d+ edits, (\d+) requests in ([\d.]+) s; max RSS (\d+) MB; all requests p50 ([\d.]+) \/ p99 ([\d.]+) \/ max ([\d.]+) ms/.exec(
      out,
    );
  if (!line) throw new Error(`the campaign printed no summary (exit ${run.status}): ${out.slice(-400)}`);
  if (run.status !== 0) throw new Error(`the campaign failed its assertions (seed ${SEED}): ${out.slice(-600)}`);
  const [, steps, requests, seconds, rss, p50, p99, max] = line.map(Number);
  return {
    [`fuzz campaign, seed ${SEED}: steps`]: { value: steps, unit: 'steps' },
    'fuzz campaign: requests answered': { value: requests, unit: 'requests' },
    'fuzz campaign: wall time': { value: seconds * 1000, unit: 'ms' },
    'fuzz campaign: request latency p50': { value: p50, unit: 'ms' },
    'fuzz campaign: request latency p99': { value: p99, unit: 'ms', budget: 200 },
    'fuzz campaign: request latency max': { value: max, unit: 'ms', budget: 1000 },
    'fuzz campaign: server max RSS': { value: rss, unit: 'MB', budget: 1024 },
  };
}
