// `paramwise optim-check <file> [--backend auto|tensorflow|wasm|cpu]` (the CLI forwards it to the
// smoke runner, `node dist/smoke.js optim-check ...`): replays recorded torch.optim steps (the
// format of the golden optimizer-steps.json) through the smoke runner's optimizers,
// so a user can check on their own machine and backend that the smoke run updates weights as
// torch would. Exit 0: all cases pass; 1: some failed; 2: bad arguments, file or backend.

import * as tf from '@tensorflow/tfjs-core';
import { flagString, parseArgs } from '../node/args.ts';
import type { CliIO, Command } from '../node/io.ts';
import { backendPreferences, selectBackend, type BackendInfo, type BackendPreference } from './backend.ts';
import { parseGoldenFile, replayCase, type CaseOutcome, type GoldenCase } from './optim/golden.ts';

const usage = 'usage: paramwise optim-check <file> [--backend auto|tensorflow|wasm|cpu]\n';

export const optimCheckCommand: Command = async (argv, io) => {
  const args = parseArgs(argv);
  const backend = flagString(args, 'backend') ?? 'auto';
  const unknownFlags = [...args.flags.keys()].filter((flag) => flag !== 'backend');
  if (args.positionals.length !== 1 || unknownFlags.length || !isPreference(backend)) {
    io.stderr(usage);
    return 2;
  }
  const cases = readCases(args.positionals[0], io);
  if (!cases) return 2;
  const info = await startBackend(backend, io);
  if (!info) return 2;
  io.stdout(`backend: ${info.name} (${info.device}) ${info.detail}\n`);
  let failed = 0;
  for (const golden of cases) {
    const outcome = replayCase(golden);
    if (outcome.error === undefined && outcome.mismatch === undefined) continue;
    failed += 1;
    io.stdout(`${describeFailure(outcome)}\n`);
  }
  io.stdout(`${cases.length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
};

function isPreference(value: string): value is BackendPreference {
  return (backendPreferences as readonly string[]).includes(value);
}

function readCases(file: string, io: CliIO): GoldenCase[] | undefined {
  const text = io.readText(file);
  if (text === undefined) {
    io.stderr(`paramwise optim-check: cannot read '${file}'\n`);
    return undefined;
  }
  const parsed = parseGoldenFile(text);
  if ('error' in parsed) {
    io.stderr(`paramwise optim-check: ${file}: ${parsed.error}\n`);
    return undefined;
  }
  return parsed.cases;
}

async function startBackend(preference: BackendPreference, io: CliIO): Promise<BackendInfo | undefined> {
  // Silences tfjs's console banners ("looks like you are running TensorFlow.js in Node.js"):
  // the backend line below already says what ran.
  tf.enableProdMode();
  try {
    return await selectBackend(preference);
  } catch (error) {
    io.stderr(`paramwise optim-check: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}

function describeFailure(outcome: CaseOutcome): string {
  const m = outcome.mismatch;
  if (!m) return `FAIL ${outcome.name}: ${outcome.error ?? 'unknown error'}`;
  return `FAIL ${outcome.name}: step ${m.step}, group ${m.group}, param ${m.param}, element ${m.index}: expected ${m.expected} got ${m.got}`;
}
