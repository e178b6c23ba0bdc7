// Smoke training speed, on this machine:
//   * steps/s of the fallback proxy at batch 128 on wasm, next to the same model in PyTorch on
//     the CPU (Debian's python3-torch, when present): the goal is ≥ 1.0× torch;
//   * time from starting the runner process to its first logged step (< 3 s);
//   * the default run (300 steps) of the bundled example, end to end (< 30 s).
// The runner figures come from the built bundle (dist/smoke.js), as the VS Code task starts it.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import { FALLBACK } from '../../server/src/smoke/proxy/fallback.ts';

type Figure = { value: number; unit: string; budget?: number };

const ROOT = join(import.meta.dirname, '..', '..');
const RUNNER = join(ROOT, 'dist', 'smoke.js');
const EXAMPLE = ['examples/vit_finetune.py', '--params', 'examples/vit_tiny.params'];
const BATCH = 128;
const STEPS = 200;
// Debian's python3-torch lives under /usr/bin/python3; PARAMWISE_PYTHON points elsewhere.
const PYTHON = process.env.PARAMWISE_PYTHON ?? '/usr/bin/python3';

interface RunnerResult {
  firstStepMs: number;
  totalMs: number;
  report: SmokeReport;
}

/** Starts the runner as the task does and times its first `step` line and its exit. */
function runRunner(args: string[], reportPath: string): Promise<RunnerResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstStepMs = NaN;
    const child = spawn(process.execPath, [RUNNER, ...args, '--report', reportPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (Number.isNaN(firstStepMs) && /^step +\d+\//m.test(chunk)) firstStepMs = performance.now() - started;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`the runner exited ${code}: ${stderr.slice(-500)}`));
      resolve({
        firstStepMs,
        totalMs: performance.now() - started,
        report: JSON.parse(readFileSync(reportPath, 'utf8')) as SmokeReport,
      });
    });
  });
}

/** The fallback proxy in PyTorch, same shapes, batch and optimizer; steps/s, or undefined without torch. */
function torchStepsPerSecond(threads: number): number | undefined {
  const { vocab, tokens, dModel, heads, feedForward, layers, classes } = FALLBACK;
  const script = `
import time, torch, torch.nn as nn
torch.manual_seed(0); torch.set_num_threads(${threads})
class M(nn.Module):
    def __init__(s):
        super().__init__()
        s.embedding = nn.Embedding(${vocab}, ${dModel})
        s.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(${dModel}, ${heads}, ${feedForward}, dropout=0.0, batch_first=True, norm_first=True), ${layers}, enable_nested_tensor=False)
        s.head = nn.Linear(${dModel}, ${classes})
    def forward(s, x): return s.head(s.encoder(s.embedding(x)).mean(1))
m = M(); opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=0.05)
x = torch.randint(0, ${vocab}, (${BATCH}, ${tokens})); y = torch.randint(0, ${classes}, (${BATCH},))
def step():
    opt.zero_grad(); loss = nn.functional.cross_entropy(m(x), y); loss.backward(); opt.step()
for _ in range(20): step()
t = time.perf_counter()
for _ in range(${STEPS}): step()
print(${STEPS} / (time.perf_counter() - t))
`;
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  return run.status === 0 ? Number(run.stdout.trim()) : undefined;
}

export async function benchSmoke(): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'paramwise-smoke-bench-'));
  try {
    const figures: Record<string, Figure> = {};
    const fallback = await runRunner(
      [
        ...EXAMPLE,
        '--proxy',
        'fallback',
        '--no-ab',
        '--backend',
        'wasm',
        '--batch',
        String(BATCH),
        '--steps',
        String(STEPS),
        '--log-every',
        String(STEPS),
      ],
      join(dir, 'fallback.json'),
    );
    const wasm = fallback.report.runs[0].stepsPerSecond;
    figures['fallback proxy, wasm, batch 128 (steps/s)'] = { value: wasm, unit: 'steps/s' };
    for (const threads of [1, 2]) {
      const torch = torchStepsPerSecond(threads);
      if (torch === undefined) {
        console.log('  (python3 with torch not found: no PyTorch comparison)');
        break;
      }
      figures[`same model, PyTorch CPU, ${threads} thread(s) (steps/s)`] = { value: torch, unit: 'steps/s' };
      figures[`wasm / PyTorch ${threads} thread(s) (goal ≥ 1.0)`] = { value: wasm / torch, unit: '×' };
    }
    const example = await runRunner(EXAMPLE, join(dir, 'example.json'));
    figures['example: runner start → first logged step'] = { value: example.firstStepMs, unit: 'ms', budget: 3000 };
    figures[`example: default run, ${example.report.steps} steps${example.report.ab ? ' + A/B arm' : ''}, end to end`] =
      { value: example.totalMs, unit: 'ms', budget: 30_000 };
    figures[`example: configured arm on ${example.report.backend.name} (steps/s)`] = {
      value: example.report.runs[0].stepsPerSecond,
      unit: 'steps/s',
    };
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  void benchSmoke().then((figures) => {
    for (const [name, f] of Object.entries(figures))
      console.log(
        `${name.padEnd(58)} ${f.value.toFixed(2).padStart(10)} ${f.unit}${f.budget ? `  (${(f.value / f.budget).toFixed(2)}× of budget)` : ''}`,
      );
  });
}
