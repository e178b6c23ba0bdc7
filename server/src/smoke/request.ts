// The options of a smoke run, parsed the same way for `node dist/smoke.js` and `paramwise smoke`.

import { flagNumber, flagString, parseArgs } from '../node/args.ts';
import { listingLimits, MAX_LISTING_FLAG } from '../node/listingLimit.ts';
import { backendPreferences, type BackendPreference } from './backend.ts';

export interface SmokeRequest {
  config: string;
  listing: string;
  steps: number;
  backend: BackendPreference;
  report?: string;
  widthScale?: number;
  seed: number;
  batch: number;
  /** Log a point every this many iterations; default: about 20 points per run. */
  logEvery?: number;
  /** Train the recommended variant too when the config has weight-decay problems. */
  ab: boolean;
  proxy: 'auto' | 'fallback';
  /** Listings over this are refused (--max-listing-mb, default 256 MB like paramwise.analysis.maxListingSizeMB). */
  maxListingBytes: number;
}

export const SMOKE_USAGE =
  'usage: <config> --params <listing> [--steps N] [--backend auto|tensorflow|wasm|cpu] [--report out.json] [--width-scale F] [--seed N] [--batch N] [--log-every N] [--no-ab] [--proxy auto|fallback] [--max-listing-mb N]\n';

const FLAGS = [
  'params',
  'steps',
  'backend',
  'report',
  'width-scale',
  'seed',
  'batch',
  'log-every',
  'no-ab',
  'proxy',
  MAX_LISTING_FLAG,
];

export const DEFAULT_STEPS = 300;
export const DEFAULT_BATCH = 128;

/** The request, or a message saying what is wrong with the arguments. */
export function parseSmokeArgs(argv: string[]): SmokeRequest | { error: string } {
  const args = parseArgs(argv, ['no-ab']);
  const unknown = [...args.flags.keys()].filter((f) => !FLAGS.includes(f));
  if (unknown.length) return { error: `unknown option --${unknown[0]}` };
  const config = args.positionals[0];
  const listing = flagString(args, 'params');
  if (!config || !listing || args.positionals.length > 1) return { error: 'give one config and --params <listing>' };
  const backend = flagString(args, 'backend') ?? 'auto';
  if (!(backendPreferences as readonly string[]).includes(backend))
    return { error: `--backend must be one of ${backendPreferences.join(', ')}` };
  const proxy = flagString(args, 'proxy') ?? 'auto';
  if (proxy !== 'auto' && proxy !== 'fallback') return { error: '--proxy must be auto or fallback' };
  const numbers = readNumbers(args);
  if ('error' in numbers) return numbers;
  const limits = listingLimits(args);
  if ('error' in limits) return limits;
  return {
    config,
    listing,
    backend: backend as BackendPreference,
    report: flagString(args, 'report'),
    ab: !args.flags.has('no-ab'),
    proxy,
    maxListingBytes: limits.maxBytes,
    ...numbers,
  };
}

function readNumbers(
  args: ReturnType<typeof parseArgs>,
): Pick<SmokeRequest, 'steps' | 'seed' | 'batch' | 'logEvery' | 'widthScale'> | { error: string } {
  const count = (name: string, fallback?: number): number | undefined | { error: string } => {
    if (!args.flags.has(name)) return fallback;
    const n = flagNumber(args, name);
    return n !== undefined && Number.isInteger(n) && n > 0 ? n : { error: `--${name} must be a positive integer` };
  };
  const steps = count('steps', DEFAULT_STEPS);
  const batch = count('batch', DEFAULT_BATCH);
  const logEvery = count('log-every');
  const seed = args.flags.has('seed') ? flagNumber(args, 'seed') : 0;
  const widthScale = args.flags.has('width-scale') ? flagNumber(args, 'width-scale') : undefined;
  for (const v of [steps, batch, logEvery]) if (typeof v === 'object') return v;
  if (seed === undefined || !Number.isInteger(seed)) return { error: '--seed must be an integer' };
  if (args.flags.has('width-scale') && !(widthScale !== undefined && widthScale > 0 && widthScale <= 1))
    return { error: '--width-scale must be a number in (0, 1]' };
  return { steps: steps as number, batch: batch as number, logEvery: logEvery as number | undefined, seed, widthScale };
}
