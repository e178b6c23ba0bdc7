// Language server speed, through the built server over stdio:
//   * didChange → publishDiagnostics, p50/p95, on a ViT-B listing and on a 100k-parameter one;
//   * the server's resident memory with the 100k listing loaded and analysed;
//   * the group explorer's payload, asked of the server (paramwise/explorerData) and received.
// Debounce is set to 0 so the figures are the server's own work; the editor adds
// `paramwise.analysis.debounceMs` (150 ms by default) on top while the user types.
// PARAMWISE_BENCH_NODE_ARGS passes flags to the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p";
// PARAMWISE_SERVER runs another build of the server (e.g. a before/after pair built elsewhere).

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, positionAt } from '../lsp/lspClient.ts';
import { configWith30Keys, moeModel, plainDump } from './synthetic.ts';

type Figure = { value: number; unit: string; budget?: number };

const VIT_B = join(import.meta.dirname, '../fixtures/conformance/models/tv_vit_b_16.json');
const WARMUP = 5;
const MOE_ROUNDS = 60;

const VIT_CONFIG = `# paramwise: params=vit_b.json
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0,
        custom_keys={'class_token': dict(decay_mult=0.0), 'encoder.pos_embedding': dict(decay_mult=0.0), 'heads': dict(lr_mult=10.0)}))
`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Edits the lr literal back and forth and times each change until its diagnostics arrive. */
async function latencies(c: LspClient, uri: string, text: string, rounds: number): Promise<number[]> {
  const at = text.indexOf('lr=') + 3;
  const literal = /^[\d.e-]+/.exec(text.slice(at))![0];
  const range = { start: positionAt(text, at), end: positionAt(text, at + literal.length) };
  const out: number[] = [];
  for (let i = 0; i < rounds + WARMUP; i++) {
    const next = i % 2 ? literal : literal.replace(/^\d/, (d) => String((Number(d) % 9) + 1));
    const published = c.nextPublish(uri);
    const t0 = performance.now();
    c.change(uri, [{ range, text: next }]);
    await published;
    if (i >= WARMUP) out.push(performance.now() - t0);
  }
  return out;
}

function rssMB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

/** Long enough for the server's idle collection (server/src/lsp/idleHeap.ts) and V8's page release after it. */
const SETTLE_MS = 2500;

async function measure(
  dir: string,
  configName: string,
  configText: string,
  rounds: number,
): Promise<{ cold: number; times: number[]; rss: number; coldRss: number; settledRss: number; explorer: number }> {
  const c = new LspClient({
    workspaceFolder: dir,
    settings: { analysis: { debounceMs: 0 }, autoDiscover: false },
    nodeArgs: process.env.PARAMWISE_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  });
  try {
    await c.initialize();
    const path = join(dir, configName);
    writeFileSync(path, configText);
    const first = c.nextPublish(`file://${path}`, 120_000);
    const t0 = performance.now();
    const uri = c.open(path, 'python', configText);
    await first;
    const cold = performance.now() - t0;
    const coldRss = rssMB(c.proc.pid!);
    const times = await latencies(c, uri, configText, rounds);
    const rss = rssMB(c.proc.pid!);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const settledRss = rssMB(c.proc.pid!);
    const explorer: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t1 = performance.now();
      const data = await c.request('paramwise/explorerData', { uri });
      if (!data?.payload) throw new Error(`no explorer payload: ${JSON.stringify(data).slice(0, 200)}`);
      explorer.push(performance.now() - t1);
    }
    return { cold, times, rss, coldRss, settledRss, explorer: percentile(explorer, 50) };
  } finally {
    await c.shutdown();
  }
}

export async function benchLsp(): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'paramwise-bench-'));
  try {
    copyFileSync(VIT_B, join(dir, 'vit_b.json'));
    writeFileSync(join(dir, 'moe100k.txt'), plainDump(moeModel(100_000)));
    const vit = await measure(dir, 'vit_b.py', VIT_CONFIG, 200);
    const moe = await measure(dir, 'moe.py', `# paramwise: params=moe100k.txt\n${configWith30Keys()}`, MOE_ROUNDS);
    return {
      'ViT-B listing: first analysis (listing parsed, cold)': { value: vit.cold, unit: 'ms' },
      'ViT-B listing: didChange → publishDiagnostics p50': { value: percentile(vit.times, 50), unit: 'ms' },
      'ViT-B listing: didChange → publishDiagnostics p95': { value: percentile(vit.times, 95), unit: 'ms', budget: 50 },
      'ViT-B listing: explorer payload from the server (request → parsed reply), median of 3': {
        value: vit.explorer,
        unit: 'ms',
      },
      '100k listing: first analysis (listing parsed, cold)': { value: moe.cold, unit: 'ms' },
      '100k listing: didChange → publishDiagnostics p50': { value: percentile(moe.times, 50), unit: 'ms' },
      '100k listing: didChange → publishDiagnostics p95': { value: percentile(moe.times, 95), unit: 'ms', budget: 300 },
      '100k listing: server RSS after the first analysis': { value: moe.coldRss, unit: 'MB' },
      [`100k listing: server RSS right after ${MOE_ROUNDS + WARMUP} edits`]: { value: moe.rss, unit: 'MB' },
      [`100k listing: server RSS ${SETTLE_MS / 1000} s after the last edit`]: {
        value: moe.settledRss,
        unit: 'MB',
        budget: 200,
      },
      '100k listing: explorer payload from the server (request → parsed reply), median of 3': {
        value: moe.explorer,
        unit: 'ms',
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
