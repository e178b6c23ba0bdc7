// `npm run bench`: every speed budget the issues name, measured on this machine, printed as
// figures and ratios to the budget. Not a test: numbers, not pass/fail.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/core/config/index.ts';
import { readListing } from '../../server/src/core/listing/index.ts';
import { resolveConfig } from '../../server/src/core/resolve/index.ts';
import { aggregate } from '../../server/src/core/analysis/aggregate.ts';
import { configWith30Keys, moeModel, plainDump } from './synthetic.ts';
import { paramsText } from './paramsText.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
  budget?: number;
}
const rows: Row[] = [];

function report(name: string, value: number, unit: string, budget?: number): void {
  rows.push({ name, value, unit, budget });
  const ratio = budget ? `  (${(value / budget).toFixed(2)}× of budget ${budget} ${unit})` : '';
  console.log(`${name.padEnd(58)} ${value.toFixed(unit === 'ms' ? 1 : 2).padStart(10)} ${unit}${ratio}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * parse + resolve + aggregate of an n-parameter MoE listing with 30 custom_keys. With
 * `objects`, every module, parameter, group and outcome object is read too (the listing and
 * the result build them on first read; a hover table over every parameter needs them).
 */
function coreRun(text: string, file: string, root: ReturnType<typeof loadConfig>['root'], objects = false): number {
  const t0 = performance.now();
  const listing = readListing(text, file);
  const result = resolveConfig(root, listing.listing);
  aggregate(result.optimizers[0]);
  if (objects)
    void [listing.listing.modules.length, result.optimizers[0].params.length, result.optimizers[0].groups.length];
  return performance.now() - t0;
}

function benchCore(): void {
  console.log('\n# core resolver: parse + resolve + aggregate, 30 custom_keys');
  const cfg = loadConfig('bench_config.py', { readFile: () => configWith30Keys() });
  const perK: number[] = [];
  // One format at a time: the plain dumps' garbage would otherwise be collected during the
  // .params runs that follow them.
  // Each saved as its kind of file (a plain dump named .params is first tried as .params).
  for (const [format, write, file] of [
    ['.params', paramsText, 'synthetic.params'],
    ['plain dump', plainDump, 'synthetic.txt'],
  ] as const) {
    for (const n of [10_000, 20_000, 50_000, 100_000]) {
      const text = write(moeModel(n));
      for (let i = 0; i < 3; i++) coreRun(text, file, cfg.root);
      const ms = median(Array.from({ length: 7 }, () => coreRun(text, file, cfg.root)));
      report(`${n / 1000}k params, ${format}`, ms, 'ms', n === 100_000 && format === '.params' ? 150 : undefined);
      if (format === '.params') perK.push(ms / (n / 1000));
    }
  }
  report('growth 10k→100k: ms per 1k params at 100k / at 10k', perK[perK.length - 1] / perK[0], '×');
  console.log(`  ms per 1k params, .params, at 10k / 20k / 50k / 100k: ${perK.map((x) => x.toFixed(2)).join(' / ')}`);
  const text = paramsText(moeModel(100_000));
  for (let i = 0; i < 2; i++) coreRun(text, 'synthetic.params', cfg.root, true);
  report(
    '100k params, .params, and every object read as well',
    median(Array.from({ length: 5 }, () => coreRun(text, 'synthetic.params', cfg.root, true))),
    'ms',
  );
}

async function optional(file: string, fn: string, title: string): Promise<void> {
  const path = join(import.meta.dirname, file);
  if (!existsSync(path)) {
    console.log(`\n# ${title}: not available (${file} missing)`);
    return;
  }
  console.log(`\n# ${title}`);
  try {
    const mod = (await import(path)) as Record<
      string,
      () => Promise<Record<string, number | { value: number; unit: string; budget?: number }>>
    >;
    const figures = await mod[fn]();
    for (const [name, v] of Object.entries(figures)) {
      if (typeof v === 'number')
        report(
          name,
          v,
          name.includes('RSS') || name.includes('MB')
            ? 'MB'
            : name.includes('/s')
              ? 'steps/s'
              : name.includes('×') || name.includes('ratio')
                ? '×'
                : 'ms',
        );
      else report(name, v.value, v.unit, v.budget);
    }
  } catch (e) {
    console.log(`  failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function main(): Promise<void> {
  console.log(`paramwise bench — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  // `npm run bench -- core lsp` runs only those sections.
  const only = process.argv.slice(2);
  const wanted = (section: string): boolean => only.length === 0 || only.includes(section);
  if (wanted('core')) benchCore();
  if (wanted('lsp')) await optional('lsp.bench.ts', 'benchLsp', 'language server');
  if (wanted('explorer')) await optional('explorer.bench.ts', 'benchExplorer', 'group explorer');
  if (wanted('smoke')) await optional('smoke.bench.ts', 'benchSmoke', 'smoke training');
  if (wanted('cli')) await optional('cli.bench.ts', 'benchCli', 'CLI end to end: groups on 100k parameters');
  if (wanted('fuzz')) await optional('fuzz.bench.ts', 'benchFuzz', 'LSP fuzz campaign, long mode');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
