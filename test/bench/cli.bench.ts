// The CLI end to end: `node dist/cli.js groups <config> --params <100k .params>` as a user
// runs it, table and --format json, stdout read through a pipe. Wall time from spawn to exit
// (Node's start included) and the process's peak RSS. PARAMWISE_BENCH_CLI=path/to/cli.js
// measures another build of the CLI (an older one, to compare).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paramsText } from './paramsText.ts';
import { configWith30Keys, moeModel } from './synthetic.ts';

type Figure = number | { value: number; unit: string; budget?: number };

const CLI = process.env.PARAMWISE_BENCH_CLI ?? join(import.meta.dirname, '../../dist/cli.js');
const RUNS = 5;
const TIME = '/usr/bin/time';
const RSS_MARK = 'PARAMWISE_PEAK_RSS_KB=';
const CPU_MARK = 'PARAMWISE_CPU_S=';

/**
 * Peak RSS and CPU time come from GNU time (%M, %U + %S) where it is installed; elsewhere a
 * preloaded hook reads the process's own high-water mark (VmHWM) and CPU use as it exits.
 * CPU time is the steadier figure on a shared machine, where wall time waits for cores.
 */
function command(args: string[], preload: string): [string, string[]] {
  if (existsSync(TIME)) return [TIME, ['-f', `${RSS_MARK}%M ${CPU_MARK}%U+%S`, process.execPath, CLI, ...args]];
  return [process.execPath, ['--require', preload, CLI, ...args]];
}

interface Run {
  ms: number;
  cpuMs: number;
  rssMb: number;
  bytes: number;
}

function runOnce(args: string[], preload: string): Promise<Run> {
  const [file, argv] = command(args, preload);
  const t0 = performance.now();
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let bytes = 0;
  let err = '';
  child.stdout.on('data', (d: Buffer) => (bytes += d.length));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const kb = Number(new RegExp(`${RSS_MARK}(\\d+)`).exec(err)?.[1]);
      const cpu = new RegExp(`${CPU_MARK}([\\d.]+)\\+([\\d.]+)`).exec(err);
      const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;
      // Exit 1 is a finding in the config, not a failed run; anything else is.
      if ((code !== 0 && code !== 1) || !Number.isFinite(kb)) fail(new Error(`exit ${code}: ${err.slice(-500)}`));
      else done({ ms, cpuMs, rssMb: kb / 1024, bytes });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchCli(): Promise<Record<string, Figure>> {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run node esbuild.mjs`);
  const dir = mkdtempSync(join(tmpdir(), 'paramwise-bench-cli-'));
  try {
    const params = join(dir, 'moe100k.params');
    const config = join(dir, 'moe100k.py');
    const preload = join(dir, 'peak-rss.cjs');
    writeFileSync(params, paramsText(moeModel(100_000)));
    writeFileSync(config, configWith30Keys());
    writeFileSync(
      preload,
      `process.on('exit', () => { const m = /VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8')); ` +
        `const c = process.cpuUsage(); require('fs').writeSync(2, '\\n${RSS_MARK}' + (m ? m[1] : 'NaN') + ` +
        `' ${CPU_MARK}' + c.user / 1e6 + '+' + c.system / 1e6 + '\\n'); });\n`,
    );
    const figures: Record<string, Figure> = {};
    for (const [label, extra, budgetMs, budgetMb] of [
      ['table', [], 450, undefined],
      ['--format json', ['--format', 'json'], 1000, 400],
    ] as const) {
      const args = ['groups', config, '--params', params, ...extra];
      await runOnce(args, preload); // the listing into the page cache, the bundle compiled once
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await runOnce(args, preload));
      figures[`groups ${label}, 100k params: wall time (spawn to exit)`] = {
        value: median(runs.map((r) => r.ms)),
        unit: 'ms',
        budget: budgetMs,
      };
      figures[`groups ${label}, 100k params: CPU time (user + sys)`] = {
        value: median(runs.map((r) => r.cpuMs)),
        unit: 'ms',
      };
      figures[`groups ${label}, 100k params: peak RSS`] = {
        value: median(runs.map((r) => r.rssMb)),
        unit: 'MB',
        budget: budgetMb,
      };
      if (label !== 'table')
        figures[`groups ${label}, 100k params: output size`] = { value: runs[0].bytes / 1e6, unit: 'MB' };
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
