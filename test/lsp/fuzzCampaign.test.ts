// A seeded fuzz campaign against the built server: a workspace of generated configs of every
// kind (Python, JSON, YAML, timm args; `_base_` chains among them) and listings in every format
// (.params, dumper JSON, plain dump), paired by directive, setting and discovery. Random edits,
// opens and closes, listings rewritten on disk, settings changes, and every request the server
// answers (hover, completion, definition, references, codeLens, codeAction and the paramwise/*
// requests), at positions inside and far outside the documents. Bounded by a step count.
//
// It asserts what must hold whatever the input: the server never exits, every request answers
// within 1 s, its RSS stays under 1 GB, and no diagnostic or log message reports an internal
// error (a failed handler or analysis counts). Latencies are printed per method.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_TOKENS } from './fuzzTokens.ts';
import { seededRandom } from '../../server/src/core/numeric/rng.ts';
import { dumperJson, moeModel, plainDump } from '../bench/synthetic.ts';
import { paramsText } from '../bench/paramsText.ts';
import { EXAMPLES, FIXTURES } from './helpers.ts';
import { LspClient, positionAt, uriOf } from './lspClient.ts';

// PARAMWISE_FUZZ_SEED / PARAMWISE_FUZZ_STEPS explore further; the suite runs the fixed pair.
const SEED = Number(process.env.PARAMWISE_FUZZ_SEED ?? 20250611);
const STEPS = Number(process.env.PARAMWISE_FUZZ_STEPS ?? 2400);
const REQUEST_LIMIT_MS = 1000;
const MAX_EDITS_BEFORE_RESET = 8;
const RSS_LIMIT_MB = 1024;
/** A folder to write the open documents' texts to when an internal error first shows (to reproduce it). */
const DUMP = process.env.PARAMWISE_FUZZ_DUMP;
const INTERNAL = /Internal error|failed|uncaught exception|unhandled rejection/i;

type Random = () => number;
type Value = number | string | boolean | null | Value[] | { [key: string]: Value };

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Random, p: number): boolean => r() < p;
const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

// ---------------------------------------------------------------------------------------------
// Listings: the synthetic model in the three text formats, plus the repository's real ones.

interface Listing {
  name: string;
  names: string[];
}

function writeListings(dir: string): Listing[] {
  const out: Listing[] = [];
  const small = moeModel(120);
  const medium = moeModel(600);
  const add = (name: string, text: string, names: string[]): void => {
    writeFileSync(join(dir, name), text);
    out.push({ name, names });
  };
  add('moe_small.params', paramsText(small), small.names);
  add('moe_medium.json', dumperJson(medium), medium.names);
  add('moe_plain.txt', plainDump(small), small.names);
  add('moe_plain.params', plainDump(medium), medium.names);
  const models = join(FIXTURES, '../conformance/models');
  for (const model of ['timm_vit_tiny.json', 'gpt_tied.json', 'mmengine_doc_toy.json']) {
    copyFileSync(join(models, model), join(dir, model));
    const json = JSON.parse(readFileSync(join(models, model), 'utf8')) as { params: { name: string }[] };
    out.push({ name: model, names: json.params.map((p) => p.name) });
  }
  copyFileSync(join(EXAMPLES, 'vit_tiny.params'), join(dir, 'vit_tiny.params'));
  out.push({ name: 'vit_tiny.params', names: ['cls_token', 'pos_embed', 'blocks.0.attn.qkv.weight', 'head.weight'] });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Configs: one generated structure, written as Python, JSON or YAML.

const OPTIMIZERS = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'Lion', 'Nope'];
const CONSTRUCTORS = [
  'DefaultOptimWrapperConstructor',
  'LearningRateDecayOptimWrapperConstructor',
  'LayerDecayOptimizerConstructor',
  'LearningRateDecayOptimizerConstructor',
];
const SCHEDULERS = ['LinearLR', 'CosineAnnealingLR', 'MultiStepLR', 'StepLR', 'OneCycleLR', 'PolyLR', 'ConstantLR'];

function customKey(r: Random, names: string[]): string {
  const name = pick(r, names);
  const parts = name.split('.');
  const from = int(r, 0, parts.length - 1);
  const key = parts.slice(from, int(r, from + 1, parts.length)).join('.');
  return chance(r, 0.15) ? `${key}x` : chance(r, 0.15) ? `.${key}` : key;
}

function optimizer(r: Random): Record<string, Value> {
  const o: Record<string, Value> = { type: pick(r, OPTIMIZERS), lr: pick(r, [0.1, 1e-3, 5e-4, 2e-5, 0, -1]) };
  if (chance(r, 0.6)) o.weight_decay = pick(r, [0, 1e-4, 0.05, 0.3]);
  if (chance(r, 0.3)) o.momentum = pick(r, [0.9, 0]);
  if (chance(r, 0.3)) o.betas = [0.9, pick(r, [0.999, 0.95])];
  if (chance(r, 0.1)) o.eps = 1e-8;
  return o;
}

function paramwiseCfg(r: Random, names: string[]): Record<string, Value> {
  const p: Record<string, Value> = {};
  for (const k of ['norm_decay_mult', 'bias_decay_mult', 'flat_decay_mult', 'dwconv_decay_mult', 'dcn_offset_lr_mult'])
    if (chance(r, 0.25)) p[k] = pick(r, [0, 0.5, 1]);
  if (chance(r, 0.2)) p.bypass_duplicate = chance(r, 0.5);
  if (chance(r, 0.6)) {
    const keys: Record<string, Value> = {};
    for (let i = int(r, 1, 5); i > 0; i--) {
      const v: Record<string, Value> = {};
      if (chance(r, 0.7)) v.lr_mult = pick(r, [0, 0.1, 1, 10]);
      if (chance(r, 0.5)) v.decay_mult = pick(r, [0, 1]);
      keys[customKey(r, names)] = v;
    }
    p.custom_keys = keys;
  }
  if (chance(r, 0.3)) {
    p.layer_decay_rate = pick(r, [0.65, 0.75, 1]);
    if (chance(r, 0.5)) p.num_layers = int(r, 1, 24);
    if (chance(r, 0.3)) p.decay_type = pick(r, ['layer_wise', 'stage_wise']);
  }
  return p;
}

function schedulers(r: Random): Value[] {
  const out: Value[] = [];
  for (let i = int(r, 1, 3); i > 0; i--) {
    const s: Record<string, Value> = { type: pick(r, SCHEDULERS), by_epoch: chance(r, 0.5) };
    if (chance(r, 0.5)) s.begin = int(r, 0, 5);
    if (chance(r, 0.5)) s.end = int(r, 1, 300);
    if (chance(r, 0.4)) s.eta_min = pick(r, [0, 1e-6]);
    if (chance(r, 0.3)) s.T_max = int(r, 1, 100);
    if (chance(r, 0.3)) s.milestones = [int(r, 1, 50), int(r, 51, 100)];
    if (chance(r, 0.2)) s.start_factor = 0.001;
    if (chance(r, 0.2)) s.max_lr = 0.01;
    out.push(s);
  }
  return out;
}

/** The top-level keys of a config: MMEngine's layout, mmcv 1.x's, several optimizers, or timm args. */
function configKeys(r: Random, names: string[]): Record<string, Value> {
  const layout = r();
  if (layout < 0.5) {
    const wrapper: Record<string, Value> = { optimizer: optimizer(r) };
    if (chance(r, 0.7)) wrapper.paramwise_cfg = paramwiseCfg(r, names);
    if (chance(r, 0.3)) Object.assign(wrapper, { constructor: pick(r, CONSTRUCTORS) });
    if (chance(r, 0.2)) wrapper.type = pick(r, ['OptimWrapper', 'AmpOptimWrapper']);
    if (chance(r, 0.2)) wrapper.clip_grad = { max_norm: 1 };
    const keys: Record<string, Value> = { optim_wrapper: wrapper };
    if (chance(r, 0.5)) keys.param_scheduler = schedulers(r);
    if (chance(r, 0.2)) keys.auto_scale_lr = { base_batch_size: 256, enable: chance(r, 0.5) };
    return keys;
  }
  if (layout < 0.65) return { optimizer: { ...optimizer(r), paramwise_cfg: paramwiseCfg(r, names) } };
  if (layout < 0.75)
    return {
      optim_wrapper: {
        constructor: 'MultiOptimWrapperConstructor',
        backbone: { optimizer: optimizer(r), paramwise_cfg: paramwiseCfg(r, names) },
        head: { optimizer: optimizer(r) },
      },
    };
  const timm: Record<string, Value> = { opt: pick(r, ['adamw', 'sgd', 'lamb', 'momentum', 'nope']), lr: 1e-3 };
  if (chance(r, 0.7)) timm.weight_decay = pick(r, [0.05, 0]);
  if (chance(r, 0.5)) timm.layer_decay = pick(r, [0.65, 0.75]);
  if (chance(r, 0.3)) timm.opt_betas = [0.9, 0.999];
  if (chance(r, 0.2)) timm.scheme = pick(r, ['convnext', 'beit']);
  return timm;
}

function python(v: Value, r: Random): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return chance(r, 0.5) ? `'${v}'` : `"${v}"`;
  if (Array.isArray(v))
    return chance(r, 0.2)
      ? `(${v.map((x) => python(x, r)).join(', ')},)`
      : `[${v.map((x) => python(x, r)).join(', ')}]`;
  const entries = Object.entries(v);
  const identifiers = entries.every(([k]) => /^[A-Za-z_]\w*$/.test(k));
  if (identifiers && chance(r, 0.7)) return `dict(${entries.map(([k, x]) => `${k}=${python(x, r)}`).join(', ')})`;
  return `{${entries.map(([k, x]) => `'${k}': ${python(x, r)}`).join(', ')}}`;
}

function yaml(v: Value, indent = ''): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v))
    return v.length ? v.map((x) => `\n${indent}- ${yaml(x, `${indent}  `).trimStart()}`).join('') : '[]';
  const entries = Object.entries(v);
  if (!entries.length) return '{}';
  return entries
    .map(
      ([k, x]) =>
        `\n${indent}${JSON.stringify(k)}: ${typeof x === 'object' && x !== null ? yaml(x, `${indent}  `) : yaml(x)}`,
    )
    .join('');
}

type ConfigKind = 'py' | 'json' | 'yaml';

interface ConfigFile {
  name: string;
  kind: ConfigKind;
  text: string;
}

/** A config of `kind` pairing `listing` (by directive, or not at all), maybe on top of `base`. */
function generateConfig(
  r: Random,
  kind: ConfigKind,
  listing: Listing,
  base: string | undefined,
  listingDir: string,
): string {
  const keys = configKeys(r, listing.names);
  const directive = chance(r, 0.7) ? `paramwise: params=${listingDir}/${listing.name}` : undefined;
  if (base && chance(r, 0.6)) keys._base_ = [base];
  if (kind === 'json') {
    const body = JSON.stringify(keys, null, chance(r, 0.5) ? 2 : undefined);
    return directive ? `// ${directive}\n${body}\n` : `${body}\n`;
  }
  if (kind === 'yaml') {
    const anchors = chance(r, 0.15) ? 'defaults: &defaults\n  lr: 0.1\nsecond:\n  <<: *defaults\n' : '';
    const env = chance(r, 0.1) ? 'work_dir: "{{$WORK_DIR:./work}}"\n' : '';
    return `${directive ? `# ${directive}\n` : ''}${anchors}${env}${yaml(keys).trimStart()}\n`;
  }
  const lines: string[] = [];
  if (directive) lines.push(`# ${directive}`);
  // The lazy-import style instead of `_base_` now and then (the loader refuses mixing the two).
  const bases = keys._base_ as string[] | undefined;
  if (bases && chance(r, 0.25))
    lines.push(
      'from mmengine.config import read_base',
      `with read_base():\n    from .${bases[0].slice(2).replace(/\.py$/, '')} import *`,
    );
  else if (bases) lines.push(`_base_ = ${python(bases, r)}`);
  if (chance(r, 0.15)) lines.push(`from torch.optim import ${pick(r, ['AdamW', 'SGD'])}`);
  if (chance(r, 0.4)) lines.push(`base_lr = ${pick(r, ['1e-3', '5e-4 * 2', '0.1 / 8', 'round(0.1, 2)'])}`);
  if (chance(r, 0.2)) lines.push(`depths = [i for i in range(${int(r, 1, 12)})]`);
  if (chance(r, 0.2)) lines.push(`name = f"run_{len(depths) if 'depths' in dir() else 0}"`);
  for (const [k, v] of Object.entries(keys)) if (k !== '_base_') lines.push(`${k} = ${python(v, r)}`);
  if (keys.optim_wrapper && chance(r, 0.2))
    lines.push('if True:\n    optim_wrapper.update(dict(accumulative_counts=2))');
  if (chance(r, 0.15)) lines.push(`optim_wrapper = dict(_delete_=True, optimizer=dict(type='SGD', lr=0.1))`);
  if (chance(r, 0.1)) lines.push(`lr_scale = {{$LR_SCALE:1.0}}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Edits and requests.

const TOKENS = [
  ...CONFIG_TOKENS,
  '// paramwise: params=',
  '- ',
  ': ',
  '{{$HOME:x}}',
  'null',
  '"lr": ',
  '&a ',
  '*a',
  '!!python/tuple',
  '{"modules": [',
  '"params": [',
  'torch.Size([3, 4])',
  '\r\n',
  'read_base()',
  'with ',
  'for i in range(3)',
];

/** Positions no document has: past every line, past the end of a line, negative, absurd. */
const WILD = [
  { line: 5, character: 1_000_000_000 },
  { line: 1_000_000_000, character: 0 },
  { line: -1, character: -1 },
  { line: 0, character: -(2 ** 31) },
  { line: 2 ** 31 - 1, character: 2 ** 31 - 1 },
  { line: 3, character: 1e300 },
];

interface Doc {
  path: string;
  uri: string;
  text: string;
  original: string;
  open: boolean;
  config: boolean;
  /** Edits left before the document starts over (its original text, or a new generated config). */
  budget: number;
}

function randomEdit(doc: Doc, r: Random): { start: number; end: number; text: string } {
  const at = Math.floor(r() * (doc.text.length + 1));
  const insert = (): string => (chance(r, 0.6) ? pick(r, TOKENS) : String.fromCharCode(32 + Math.floor(r() * 95)));
  const kind = r();
  if (kind < 0.45) return { start: at, end: at, text: insert() };
  const end = Math.min(doc.text.length, at + 1 + Math.floor(r() * 16));
  return kind < 0.75 ? { start: at, end, text: '' } : { start: at, end, text: insert() };
}

function position(doc: Doc, r: Random): unknown {
  if (chance(r, 0.2)) return pick(r, WILD);
  // Half the time on a word or string, where hovers, definitions and completions have answers.
  const words = chance(r, 0.5) ? [...doc.text.slice(0, 20_000).matchAll(/[A-Za-z_][\w.]*|'[^'\n]*'|"[^"\n]*"/g)] : [];
  if (words.length) {
    const w = pick(r, words);
    return positionAt(doc.text, w.index + Math.floor(r() * (w[0].length + 1)));
  }
  return positionAt(doc.text, Math.floor(r() * (doc.text.length + 1)));
}

interface Stats {
  times: Map<string, number[]>;
  /** The documents, for PARAMWISE_FUZZ_DUMP. */
  docs: Doc[];
  /** Answers with content (a hover, a non-empty list, an explorer payload), per method. */
  answered: Map<string, number>;
  slow: string[];
}

async function timed(c: LspClient, stats: Stats, method: string, params: unknown): Promise<unknown> {
  const t0 = performance.now();
  const answer = await c.request(method, params, 30_000);
  const ms = performance.now() - t0;
  let list = stats.times.get(method);
  if (!list) stats.times.set(method, (list = []));
  list.push(ms);
  const content = Array.isArray(answer)
    ? answer.length > 0
    : answer !== null && !(answer as { unavailable?: string }).unavailable;
  if (content) stats.answered.set(method, (stats.answered.get(method) ?? 0) + 1);
  if (ms > REQUEST_LIMIT_MS) {
    stats.slow.push(`${method} ${ms.toFixed(0)} ms ${JSON.stringify(params).slice(0, 300)}`);
    if (DUMP) dumpInputs(`slow${stats.slow.length}`, stats.docs, [], stats.slow[stats.slow.length - 1]);
  }
  return answer;
}

async function randomRequest(
  c: LspClient,
  doc: Doc,
  docs: Doc[],
  listings: string[],
  r: Random,
  stats: Stats,
): Promise<void> {
  const textDocument = { uri: doc.uri };
  const which = r();
  if (which < 0.16) await timed(c, stats, 'textDocument/hover', { textDocument, position: position(doc, r) });
  else if (which < 0.3) await timed(c, stats, 'textDocument/completion', { textDocument, position: position(doc, r) });
  else if (which < 0.4) await timed(c, stats, 'textDocument/definition', { textDocument, position: position(doc, r) });
  else if (which < 0.48)
    await timed(c, stats, 'textDocument/references', {
      textDocument,
      position: position(doc, r),
      context: { includeDeclaration: chance(r, 0.5) },
    });
  else if (which < 0.58) await timed(c, stats, 'textDocument/codeLens', { textDocument });
  else if (which < 0.7)
    await timed(c, stats, 'textDocument/codeAction', {
      textDocument,
      range: { start: position(doc, r), end: position(doc, r) },
      context: { diagnostics: c.diagnostics.get(doc.uri) ?? [] },
    });
  else if (which < 0.78) await timed(c, stats, 'paramwise/getPairing', { uri: pick(r, docs).uri });
  else if (which < 0.83)
    await timed(c, stats, 'paramwise/setPairing', {
      configUri: doc.uri,
      listingUri: chance(r, 0.3) ? null : chance(r, 0.1) ? uriOf('/nonexistent/x.params') : pick(r, listings),
    });
  else if (which < 0.88) await timed(c, stats, 'paramwise/listingCandidates', { configUri: doc.uri });
  else
    await timed(c, stats, 'paramwise/explorerData', {
      uri: pick(r, docs).uri,
      itersPerEpoch: chance(r, 0.5) ? pick(r, [1, 100, 0, -5, 1e9]) : undefined,
      optimizerIndex: chance(r, 0.3) ? pick(r, [0, 1, 7, -1]) : undefined,
    });
}

function dumpInputs(
  name: string,
  docs: Doc[],
  notifications: { method: string; params: any }[],
  what = internalErrors(notifications).join('\n'),
): void {
  const dir = join(DUMP!, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'errors.txt'), what);
  for (const d of docs)
    if (d.open) writeFileSync(join(dir, d.path.replace(/^.*\/(configs|listings)\//, '$1_')), d.text);
}

function rssMB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// ---------------------------------------------------------------------------------------------

describe('fuzz campaign: generated configs and listings, random edits and requests', () => {
  it(
    `${STEPS} steps (seed ${SEED}): no crash, every request under 1 s, RSS under 1 GB, no internal error`,
    { timeout: 180_000 },
    async () => {
      const r = seededRandom(SEED);
      const root = mkdtempSync(join(tmpdir(), 'paramwise-fuzz-'));
      mkdirSync(join(root, 'listings'));
      mkdirSync(join(root, 'configs'));
      const listings = writeListings(join(root, 'listings'));
      const configs: ConfigFile[] = [];
      const kinds: ConfigKind[] = ['py', 'py', 'py', 'json', 'json', 'yaml', 'yaml'];
      for (let i = 0; i < 14; i++) {
        const kind = kinds[i % kinds.length];
        const ext = kind === 'py' ? 'py' : kind === 'json' ? 'json' : pick(r, ['yaml', 'yml']);
        const bases = configs.filter((c) => c.kind === kind || (kind !== 'py' && c.kind !== 'py'));
        const base = bases.length && chance(r, 0.4) ? `./${pick(r, bases).name}` : undefined;
        const name = `c${i}.${ext}`;
        const text = generateConfig(r, kind, pick(r, listings), base, '../listings');
        configs.push({ name, kind, text });
        writeFileSync(join(root, 'configs', name), text);
      }
      // Real configs as well: some of the language service's fixtures.
      for (const dir of readdirSync(join(FIXTURES, '../service')).slice(0, 8)) {
        const from = join(FIXTURES, '../service', dir, 'config.py');
        const to = join(root, 'configs', `svc_${dir}.py`);
        copyFileSync(from, to);
        configs.push({ name: `svc_${dir}.py`, kind: 'py', text: readFileSync(to, 'utf8') });
      }
      const pairs: Record<string, string> = {};
      for (const c of configs.slice(0, 6)) pairs[`configs/${c.name}`] = `listings/${pick(r, listings).name}`;

      const baseSettings = { analysis: { debounceMs: 5 }, listing: { pairs } };
      const c = new LspClient({ workspaceFolder: root, settings: baseSettings });
      const docs: Doc[] = [
        ...configs.map((f) => ({ path: join(root, 'configs', f.name), config: true })),
        ...listings.map((l) => ({ path: join(root, 'listings', l.name), config: false })),
      ].map(({ path, config }) => {
        const text = readFileSync(path, 'utf8');
        return { path, uri: uriOf(path), text, original: text, open: false, config, budget: 0 };
      });
      const stats: Stats = { times: new Map(), answered: new Map(), slow: [], docs };
      const listingUris = docs.filter((d) => !d.config).map((d) => d.uri);
      let maxRss = 0;
      let seen = 0;
      let edits = 0;
      const started = performance.now();
      try {
        await c.initialize();
        for (const d of docs.filter((x) => x.config).slice(0, 10)) {
          c.open(d.path, undefined, d.text);
          d.open = true;
        }
        for (let step = 0; step < STEPS; step++) {
          assert.equal(c.exited, false, `the server exited at step ${step}\n${c.stderr.join('')}`);
          const open = docs.filter((d) => d.open);
          const op = r();
          if (op < 0.03 || !open.length) {
            const d = pick(r, docs);
            if (d.open && open.length > 1) {
              c.close(d.uri);
              d.open = false;
            } else if (!d.open) {
              c.open(d.path, undefined, d.text);
              d.open = true;
            }
          } else if (op < 0.5) {
            const d = pick(r, open);
            // Mutations stay near valid input: a document starts over every few edits.
            if (--d.budget < 0) {
              d.budget = int(r, 1, MAX_EDITS_BEFORE_RESET);
              const text =
                d.config && chance(r, 0.5)
                  ? generateConfig(r, kindOf(d.path), pick(r, listings), undefined, '../listings')
                  : d.original;
              d.text = text;
              c.change(d.uri, [{ text: d.text }]);
            } else {
              const e = randomEdit(d, r);
              const text = d.text.slice(0, e.start) + e.text + d.text.slice(e.end);
              c.change(d.uri, [
                { range: { start: positionAt(d.text, e.start), end: positionAt(d.text, e.end) }, text: e.text },
              ]);
              d.text = text;
            }
            edits++;
          } else if (op < 0.52) {
            // A listing rewritten on disk (and reported, as a client with file watchers does).
            const d = pick(
              r,
              docs.filter((x) => !x.config),
            );
            const text = chance(r, 0.5) ? d.original : d.original.slice(0, Math.floor(r() * d.original.length));
            writeFileSync(d.path, text);
            c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: d.uri, type: 2 }] });
          } else if (op < 0.53) {
            c.settings = {
              ...baseSettings,
              autoDiscover: chance(r, 0.7),
              severity: chance(r, 0.5) ? { 'pw-wd-on-bias': pick(r, ['off', 'error', 'bogus']) } : {},
              analysis: { debounceMs: pick(r, [0, 5, 20]), maxListingSizeMB: pick(r, [256, 0.01]) },
            };
            c.notify('workspace/didChangeConfiguration', { settings: null });
          } else {
            await randomRequest(c, pick(r, open), docs, listingUris, r, stats);
          }
          if (step % 100 === 0) maxRss = Math.max(maxRss, rssMB(c.proc.pid!));
          if (DUMP && internalErrors(c.notifications.slice(seen)).length)
            dumpInputs(`step${step}`, docs, c.notifications.slice(seen));
          seen = c.notifications.length;
        }
        // Every open document answers once more, after everything settled.
        for (const d of docs.filter((x) => x.open))
          await timed(c, stats, 'textDocument/codeLens', { textDocument: { uri: d.uri } });
        maxRss = Math.max(maxRss, rssMB(c.proc.pid!));
        assert.equal(c.exited, false, 'the server is still running');
      } finally {
        const seconds = (performance.now() - started) / 1000;
        const all = [...stats.times.values()].flat();
        console.log(
          `fuzz campaign: ${STEPS} steps, ${edits} edits, ${all.length} requests in ${seconds.toFixed(1)} s; max RSS ${maxRss.toFixed(0)} MB; ` +
            `all requests p50 ${percentile(all, 50).toFixed(1)} / p99 ${percentile(all, 99).toFixed(1)} / max ${Math.max(...all).toFixed(1)} ms`,
        );
        for (const [method, xs] of [...stats.times].sort()) {
          console.log(
            `  ${method.padEnd(28)} n=${String(xs.length).padStart(4)} (${String(stats.answered.get(method) ?? 0).padStart(4)} with content) p50 ${percentile(xs, 50).toFixed(1)} p99 ${percentile(xs, 99).toFixed(1)} max ${Math.max(...xs).toFixed(1)} ms`,
          );
        }
        await c.shutdown();
        rmSync(root, { recursive: true, force: true });
      }
      assert.deepEqual(stats.slow, [], `requests over ${REQUEST_LIMIT_MS} ms`);
      assert.ok(maxRss < RSS_LIMIT_MB, `server RSS reached ${maxRss.toFixed(0)} MB`);
      assert.deepEqual([...new Set(internalErrors(c.notifications))], [], 'internal errors reported');
    },
  );
});

/** Diagnostics and log lines that report an internal error (the first lines of each). */
function internalErrors(notifications: { method: string; params: any }[]): string[] {
  const out: string[] = [];
  for (const n of notifications) {
    if (n.method === 'textDocument/publishDiagnostics') {
      for (const d of n.params.diagnostics as { message: string; code?: unknown }[])
        if (/Internal error/.test(d.message) || /internal-error/.test(String(d.code)))
          out.push(`${n.params.uri}: ${d.message.slice(0, 300)}`);
    } else if (/^window\/(logMessage|showMessage)$/.test(n.method) && INTERNAL.test(n.params.message)) {
      out.push(String(n.params.message).split('\n').slice(0, 3).join(' | ').slice(0, 400));
    }
  }
  return out;
}

function kindOf(path: string): ConfigKind {
  return path.endsWith('.py') ? 'py' : path.endsWith('.json') ? 'json' : 'yaml';
}
