// Weight decay > 0 on parameters recipes usually exclude (norms, biases, 1-D, position
// embeddings, tokens, embeddings). Whether that is a mistake depends on the recipe, so the
// severity follows what the config itself shows it meant:
//
// - a rule the config sets that misses parameters of the kind it names (flat_decay_mult=0.
//   and a [heads, 1, 1] logit_scale: MMEngine tests `ndim == 1`; bias_decay_mult and an
//   `attention_biases`: it tests `name == 'bias'`), or the same parameter of repeated blocks
//   treated two ways: a warning, the config says otherwise elsewhere;
// - an adaptive-optimizer (AdamW-style) recipe on a model with LayerNorm-style norms that
//   exempts some parameters (tokens, position embeddings) but no norm, bias or other 1-D
//   parameter: a warning, its exemption list is very likely incomplete (DeiT, timm, MAE all
//   exempt them). A recipe that exempts nothing at all decays uniformly on purpose as often
//   (MoCo v3 decays every parameter): an info;
// - otherwise norms, biases and 1-D parameters get an info (SGD with 1e-4 on BatchNorm is
//   the classic ImageNet recipe; a config that exempts some by name chose the rest), and
//   position tables, tokens and embeddings are reported only when the config exempts nothing
//   by name (BEiT lists what it exempts and decays its relative position tables on purpose).

import { toNumber, type PyDict } from '../../pyvalue.ts';
import { getDict, getSet } from '../../resolve/cfg.ts';
import { isNorm } from '../../resolve/moduleKinds.ts';
import type { ResolvedOptimizer } from '../../resolve/types.ts';
import type { ModuleEntry } from '../../listing/model.ts';
import { plainMro } from '../../listing/model.ts';
import { Code, type CodeId } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { setInConfig } from '../configEdits.ts';
import { countMatching } from '../customKeyIndex.ts';
import { someModuleClass } from '../listingFacts.ts';
import { outcomeViews } from '../outcomeViews.ts';
import { dictText, insertEntry } from '../edits.ts';
import { BIAS_NAMED, isNormLike, KIND_TEXT, noDecayKindAt, type NoDecayKind } from '../paramKinds.ts';
import type { OptimSite } from '../sites.ts';
import type { ServiceDiagnostic, Severity, TextEdit } from '../types.ts';
import { examples, listingLines, makeDiag, MAX_RELATED, members, num, plural, type DiagExtras } from './make.ts';

const CODE_OF: Record<NoDecayKind, CodeId> = {
  norm: Code.wdOnNorm,
  bias: Code.wdOnBias,
  '1d': Code.wdOn1d,
  'pos-embed': Code.wdOnPosEmbed,
  token: Code.wdOnToken,
  embedding: Code.wdOnEmbedding,
};
const ORDER: NoDecayKind[] = ['norm', 'bias', '1d', 'pos-embed', 'token', 'embedding'];
/** The kinds MMEngine's type rules are about; the others are tables recipes treat case by case. */
const ONE_D_FAMILY = new Set<NoDecayKind>(['norm', 'bias', '1d']);

/** Which paramwise_cfg switch each scheme offers per kind. */
const SWITCHES: Record<string, Partial<Record<NoDecayKind, string>>> = {
  'mmengine.default': { norm: 'norm_decay_mult', bias: 'bias_decay_mult', '1d': 'flat_decay_mult' },
  'mmcv.default': { norm: 'norm_decay_mult', bias: 'bias_decay_mult' },
  'mmpretrain.layer_decay': { norm: 'norm_decay_mult', bias: 'bias_decay_mult', '1d': 'flat_decay_mult' },
};
const CUSTOM_KEY_SCHEMES = new Set(['mmengine.default', 'mmcv.default', 'mmpretrain.layer_decay']);
const MAX_NAMES = MAX_RELATED;

interface Bucket {
  count: number;
  names: string[];
  locals: Set<string>;
  byCustomKey: number;
  notTorchNorm: number;
  wd: number;
}

/** Parameters a rule the config sets was meant for but does not reach. */
interface Gap {
  rule: string;
  kind: NoDecayKind;
  count: number;
  names: string[];
  shapes: string[];
  locals: Map<string, number>;
  /** Every member has ndim == 1, so flat_decay_mult would reach them all. */
  allOneD: boolean;
  wd: number;
}

/** The same parameter of repeated blocks (name with indices as N). */
interface Family {
  kind: NoDecayKind;
  exempt: number;
  decayed: number;
  decayedNames: string[];
  exemptNames: string[];
  wd: number;
}

interface Survey {
  buckets: Map<NoDecayKind, Bucket>;
  gaps: Map<string, Gap>;
  families: Map<string, Family>;
  /** Parameters of the norm/bias/1-D kinds that get less than the full weight decay. */
  oneDExempt: number;
  /** Parameters a custom key exempts by name: a config that names what it exempts chose the rest. */
  namedExempt: number;
  /** Parameters of any kind that get less than the full weight decay. */
  anyExempt: number;
}

export function checkDecayOnNoDecayParams(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const opt of ctx.result?.optimizers ?? []) {
    const site = ctx.siteOf(opt);
    const survey = surveyOf(ctx, opt, site);
    for (const gap of survey.gaps.values()) out.push(reportGap(ctx, opt, site, gap));
    for (const [pattern, f] of survey.families) out.push(reportFamily(ctx, opt, site, pattern, f));
    const transformer = adaptiveOnLayerNorms(ctx, opt);
    for (const kind of ORDER) {
      const b = survey.buckets.get(kind);
      if (!b) continue;
      let severity: Severity | undefined;
      if (ONE_D_FAMILY.has(kind)) severity = transformer && survey.anyExempt && !survey.oneDExempt ? 'warning' : 'info';
      else if (!survey.namedExempt) severity = 'info';
      if (severity) out.push(report(ctx, opt, site, kind, b, severity));
    }
  }
  return out;
}

/** An adaptive optimizer (not SGD/LARS-style) on a model with LayerNorm-style norms. */
function adaptiveOnLayerNorms(ctx: ServiceContext, opt: ResolvedOptimizer): boolean {
  if (!opt.optimizerType || /sgd|lars|momentum|nesterov/i.test(opt.optimizerType)) return false;
  return !!ctx.listing && someModuleClass(ctx.listing, layerNormLike);
}

function layerNormLike(m: ModuleEntry): boolean {
  return isNormLike(m) && !plainMro(m).some((c) => /BatchNorm|SyncBN|InstanceNorm/.test(c));
}

interface Rules {
  norm: boolean;
  bias: boolean;
  flat: boolean;
}

/** The decay-lowering type rules in effect (MMEngine-style constructors only). */
function rulesOf(opt: ResolvedOptimizer, site: OptimSite | undefined): Rules {
  const lowers = (key: string): boolean => {
    if (!site || !CUSTOM_KEY_SCHEMES.has(opt.scheme)) return false;
    const v = toNumber(getSet(site.paramwise, key));
    return v !== undefined && v < 1;
  };
  return { norm: lowers('norm_decay_mult'), bias: lowers('bias_decay_mult'), flat: lowers('flat_decay_mult') };
}

/** The rule meant for this parameter that does not reach it, if any (see the file comment). */
function gapRule(rules: Rules, kind: NoDecayKind, local: string, shape: number[], m: ModuleEntry): string | undefined {
  const flatReaches = rules.flat && shape.length === 1;
  if (flatReaches) return undefined;
  if (local !== 'bias' && BIAS_NAMED.test(local) && rules.bias) return 'bias_decay_mult';
  if (kind === '1d' && rules.flat) return 'flat_decay_mult';
  if (kind === 'norm' && rules.norm && !isNorm(m)) return 'norm_decay_mult';
  // Norms and biases exempt by rule, other 1-D gains (LayerScale gamma) left decayed.
  if (kind === '1d' && rules.norm && rules.bias) return 'norm_decay_mult and bias_decay_mult';
  return undefined;
}

/**
 * The weight decay a parameter gets when no rule lowers it: the optimizer's own, else what
 * the parameters without a rule get, else the largest (a custom key may raise some).
 */
function baseWeightDecay(opt: ResolvedOptimizer, site: OptimSite | undefined): number {
  const written = toNumber(getSet(site?.optimizer, 'weight_decay'));
  if (written !== undefined) return written;
  let max = 0;
  for (const p of outcomeViews(opt)) {
    if (p.weightDecay === null) continue;
    if (p.trace.rule === 'default') return p.weightDecay;
    if (p.weightDecay > max) max = p.weightDecay;
  }
  return max;
}

const familyOf = (name: string): string => name.replace(/\.\d+(?=\.)/g, '.N');

/** One pass over the outcomes: decayed parameters by kind, rule gaps, block families. */
function surveyOf(ctx: ServiceContext, opt: ResolvedOptimizer, site: OptimSite | undefined): Survey {
  const rules = rulesOf(opt, site);
  const full = baseWeightDecay(opt, site);
  const survey: Survey = {
    buckets: new Map(),
    gaps: new Map(),
    families: new Map(),
    oneDExempt: 0,
    namedExempt: 0,
    anyExempt: 0,
  };
  const families = new Map<string, Family>();
  ctx.forEachOutcome(opt, (module, lp, p, visit) => {
    const wd = p.weightDecay;
    if (wd === null) return;
    const exempt = wd < full * (1 - 1e-9);
    const kind = noDecayKindAt(ctx.listing, visit, { local: lp.name, module, shape: lp.shape });
    if (exempt) survey.anyExempt++;
    if (exempt && p.trace.rule === 'custom_keys') survey.namedExempt++;
    if (!kind) return;
    if (exempt && ONE_D_FAMILY.has(kind)) survey.oneDExempt++;
    // Block families: only names with an index can repeat.
    if (/\.\d+\./.test(p.name)) {
      const key = familyOf(p.name);
      let f = families.get(key);
      if (!f) families.set(key, (f = { kind, exempt: 0, decayed: 0, decayedNames: [], exemptNames: [], wd }));
      if (exempt) {
        f.exempt++;
        if (f.exemptNames.length < MAX_NAMES) f.exemptNames.push(p.name);
      } else if (wd > 0) {
        f.decayed++;
        f.wd = wd;
        if (f.decayedNames.length < MAX_NAMES) f.decayedNames.push(p.name);
      }
    }
    if (exempt || !(wd > 0)) return;
    // A custom key that switched off a type rule is reported by pw-custom-key-shadows-rules.
    if (p.trace.rule === 'custom_keys' && p.trace.shadowed.some((s) => s.startsWith('paramwise_cfg.'))) return;
    const rule = p.trace.rule === 'custom_keys' ? undefined : gapRule(rules, kind, lp.name, lp.shape, module);
    if (rule) {
      let g = survey.gaps.get(`${rule}|${kind}`);
      if (!g)
        survey.gaps.set(
          `${rule}|${kind}`,
          (g = { rule, kind, count: 0, names: [], shapes: [], locals: new Map(), allOneD: true, wd }),
        );
      g.count++;
      if (lp.shape.length !== 1) g.allOneD = false;
      g.locals.set(lp.name, (g.locals.get(lp.name) ?? 0) + 1);
      if (g.names.length < MAX_NAMES) {
        g.names.push(p.name);
        g.shapes.push(`[${lp.shape.join(', ')}]`);
      }
      return;
    }
    let b = survey.buckets.get(kind);
    if (!b)
      survey.buckets.set(kind, (b = { count: 0, names: [], locals: new Set(), byCustomKey: 0, notTorchNorm: 0, wd }));
    b.count++;
    if (b.names.length < MAX_NAMES) b.names.push(p.name);
    if (b.locals.size < 4) b.locals.add(lp.name);
    if (p.trace.rule === 'custom_keys') b.byCustomKey++;
    if (kind === 'norm' && !isNorm(module)) b.notTorchNorm++;
  });
  // A family counts as treated two ways only when both halves are real; its decayed members
  // leave their kind's bucket (this diagnostic is their root cause).
  for (const [key, f] of families) {
    if (!f.exempt || !f.decayed) continue;
    survey.families.set(key, f);
    const b = survey.buckets.get(f.kind);
    if (b) {
      b.count -= f.decayed;
      b.names = b.names.filter((n) => familyOf(n) !== key);
      if (b.count <= 0) survey.buckets.delete(f.kind);
    }
  }
  return survey;
}

function spanOfDecay(ctx: ServiceContext, site: OptimSite | undefined) {
  return ctx.at(
    site?.optimizer?.spanOf('weight_decay') ??
      site?.optimizer?.spanOf(site.layout === 'timm' ? 'opt' : 'type') ??
      site?.wrapperKeySpan,
  );
}

function reportGap(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite | undefined,
  g: Gap,
): ServiceDiagnostic {
  const shown = g.names.map((n, i) => `${n} ${g.shapes[i]}`);
  const multi = g.rule.includes(' and ');
  const head = multi
    ? `${plural(g.count, 'other 1-D parameter')} keep weight decay ${num(g.wd)} while norms and biases are exempt.`
    : `${g.rule} misses ${plural(g.count, 'parameter')} of the kind it exempts; they keep weight decay ${num(g.wd)}.`;
  const why: Record<string, string> = {
    flat_decay_mult: 'MMEngine applies flat_decay_mult only to tensors with ndim == 1; these are 1-D in all but shape.',
    bias_decay_mult: "MMEngine applies bias_decay_mult only to parameters named exactly 'bias'.",
    norm_decay_mult:
      'MMEngine applies norm_decay_mult only to torch norm classes (BatchNorm, GroupNorm, LayerNorm, InstanceNorm).',
  };
  const { fixes, note } = customKeyFix(ctx, opt, site, g.locals);
  const msg =
    `${head} ${multi ? 'The type rules name norms and biases only; these gains and offsets match neither. Add flat_decay_mult=0. for every 1-D parameter.' : why[g.rule]} ` +
    `Parameters: ${examples(shown, g.count)}.${note}`;
  const multiFix = g.allOneD && site ? flatFix(ctx, opt, site) : [];
  return makeDiag(CODE_OF[g.kind], msg, spanOfDecay(ctx, site), {
    severity: 'warning',
    related: listingLines(ctx, g.names, `weight_decay ${num(g.wd)}`),
    fixes: [...multiFix, ...fixes],
  });
}

function flatFix(ctx: ServiceContext, opt: ResolvedOptimizer, site: OptimSite): NonNullable<DiagExtras['fixes']> {
  if (!SWITCHES[opt.scheme]?.['1d'] || site.paramwise?.has('flat_decay_mult')) return [];
  const edits = paramwiseEdits(ctx, site, 'flat_decay_mult', '0.');
  return edits ? [{ title: 'Add flat_decay_mult=0. to paramwise_cfg', edits, preferred: true }] : [];
}

/**
 * A custom_keys entry per parameter name with decay_mult=0., offered only when each key hits
 * exactly the parameters of that name and no longer word (checked against the listing).
 */
function customKeyFix(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite | undefined,
  locals: Map<string, number>,
): { fixes: NonNullable<DiagExtras['fixes']>; note: string } {
  if (!site || !CUSTOM_KEY_SCHEMES.has(opt.scheme) || locals.size > 3) return { fixes: [], note: '' };
  const keys: string[] = [];
  let total = 0;
  for (const [local, count] of locals) {
    const m = countMatching(ctx, site, local);
    if (m.partial || m.matched !== count) return { fixes: [], note: '' };
    keys.push(local);
    total += m.matched;
  }
  const edits = customKeyEdits(ctx, site, keys);
  if (!edits) return { fixes: [], note: '' };
  const list = keys.map((k) => `'${k}'`).join(', ');
  return {
    fixes: [
      { title: `Add custom_keys ${list} with dict(decay_mult=0.), matching ${plural(total, 'parameter')}`, edits },
    ],
    note: ` custom_keys ${list} with decay_mult=0. would match exactly these ${plural(total, 'parameter')}.`,
  };
}

function reportFamily(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite | undefined,
  pattern: string,
  f: Family,
): ServiceDiagnostic {
  return makeDiag(
    CODE_OF[f.kind],
    `The same parameter of repeated blocks gets weight decay ${num(f.wd)} in ${f.decayed} and less in ${f.exempt}. ` +
      `${pattern} is treated two ways: decayed ${examples(f.decayedNames, f.decayed, 2)}; exempt ${examples(f.exemptNames, f.exempt, 2)}.`,
    spanOfDecay(ctx, site),
    { severity: 'warning', related: listingLines(ctx, f.decayedNames, `weight_decay ${num(f.wd)}`) },
  );
}

function report(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite | undefined,
  kind: NoDecayKind,
  b: Bucket,
  severity: Severity,
): ServiceDiagnostic {
  const { what, why } = KIND_TEXT[kind];
  let msg = `Weight decay ${num(b.wd)} lands on ${plural(b.count, what.one, what.many)}. ${why[0].toUpperCase()}${why.slice(1)}. ${members(b.names, b.count)}`;
  if (b.byCustomKey)
    msg += ` ${b.byCustomKey === 1 ? 'One of them gets its' : `${b.byCustomKey} of them get their`} settings from a custom key, which switches off the type rules.`;
  if (kind === 'norm' && b.notTorchNorm)
    msg += ` ${b.notTorchNorm} are not torch norm classes (e.g. RMSNorm), so norm_decay_mult does not reach them; flat_decay_mult does (they are 1-D).`;
  const extras: DiagExtras = {
    severity,
    related: listingLines(ctx, b.names, `weight_decay ${num(b.wd)}`),
    fixes: site ? fixes(ctx, opt, site, kind, b) : [],
  };
  if (extras.fixes?.length) msg += ` Quick fix: ${extras.fixes[0].title}.`;
  return makeDiag(CODE_OF[kind], msg, spanOfDecay(ctx, site), extras);
}

function fixes(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite,
  kind: NoDecayKind,
  b: Bucket,
): NonNullable<DiagExtras['fixes']> {
  if (b.byCustomKey === b.count) return [];
  // norm_decay_mult only reaches torch norm classes; flat_decay_mult reaches the rest (1-D).
  const onlyOthers = kind === 'norm' && b.notTorchNorm === b.count;
  const rules = [
    onlyOthers ? undefined : SWITCHES[opt.scheme]?.[kind],
    kind === 'norm' && b.notTorchNorm ? SWITCHES[opt.scheme]?.['1d'] : undefined,
  ];
  const out: NonNullable<DiagExtras['fixes']> = [];
  for (const rule of rules) {
    if (!rule || site.paramwise?.has(rule)) continue;
    const edits = paramwiseEdits(ctx, site, rule, '0.');
    if (edits) out.push({ title: `Add ${rule}=0. to paramwise_cfg`, edits, preferred: out.length === 0 });
  }
  if (
    !out.length &&
    (kind === 'token' || kind === 'pos-embed') &&
    CUSTOM_KEY_SCHEMES.has(opt.scheme) &&
    !b.byCustomKey
  ) {
    // Offered only when the keys cover every name and hit no longer word (checked on the listing).
    const keys = [...b.locals];
    const hits = keys.map((k) => countMatching(ctx, site, k));
    const edits = keys.length <= 3 && hits.every((h) => !h.partial) ? customKeyEdits(ctx, site, keys) : undefined;
    const count = hits.reduce((n, h) => n + h.matched, 0);
    if (edits)
      out.push({
        title: `Add custom_keys ${keys.map((k) => `'${k}'`).join(', ')} with dict(decay_mult=0.), matching ${plural(count, 'parameter')}`,
        edits,
      });
  }
  return out;
}

/** Sets paramwise_cfg[key] = value, creating paramwise_cfg where the site allows it. */
export function paramwiseEdits(
  ctx: ServiceContext,
  site: OptimSite,
  key: string,
  value: string,
): TextEdit[] | undefined {
  return site.paths.paramwise && setInConfig(ctx, site.paths.paramwise, key, value);
}

function customKeyEdits(ctx: ServiceContext, site: OptimSite, keys: string[]): TextEdit[] | undefined {
  const existing: PyDict | undefined = getDict(site.paramwise, 'custom_keys');
  const entries = (quote: string): string => keys.map((k) => `${quote}${k}${quote}: dict(decay_mult=0.)`).join(', ');
  if (existing) {
    const dt = dictText(existing, ctx.sources);
    return dt && dt.style === 'literal' ? [insertEntry(dt, entries(dt.quote))] : undefined;
  }
  return paramwiseEdits(ctx, site, 'custom_keys', `{${entries("'")}}`);
}
