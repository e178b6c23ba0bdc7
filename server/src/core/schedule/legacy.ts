// The old mmcv 1.x `lr_config` (LrUpdaterHook): `policy` picks `<Policy>LrUpdaterHook`, whose
// regular lr is a closed form of each group's initial lr, set before each epoch (by_epoch) or
// each iteration; warmup then scales it in `before_train_iter` while `iter < warmup_iters`.

import { PyDict, PyError, pyRepr, pyTruthy, type PyValue } from '../pyvalue.ts';
import { CYCLE_POLICIES } from './legacyCycle.ts';
import { BASIC_POLICIES, type Args, type LegacyPolicy } from './legacyPolicies.ts';
import { pyPowF } from './pyMath.ts';
import { loopShape, maxima, type RunLength } from './runShape.ts';
import type { LoopShape } from './simulate.ts';
import { numberArg } from './spec.ts';
import { ScheduleCodes, type ScheduleDiagnostic, type ScheduleResult } from './types.ts';

export interface LegacyLrRequest extends RunLength {
  /** `cfg.lr_config`. `byEpochLoop` here means EpochBasedRunner (true) vs IterBasedRunner (false). */
  lrConfig: PyValue;
  initialLrs: number[];
}

const POLICIES = { ...BASIC_POLICIES, ...CYCLE_POLICIES };
const HOOK_KEYS = ['by_epoch', 'warmup', 'warmup_iters', 'warmup_ratio', 'warmup_by_epoch'];

interface Warmup {
  kind: 'constant' | 'linear' | 'exp';
  ratio: number;
  /** Set when `warmup_by_epoch`: warmup_iters becomes epochs × len(data_loader) at the first epoch. */
  epochs?: number;
}

interface Hook {
  name: string;
  policy: LegacyPolicy;
  byEpoch: boolean;
  warmup?: Warmup;
  warmupIters: PyValue;
}

export function computeLegacyLrConfig(req: LegacyLrRequest): ScheduleResult {
  const diagnostics: ScheduleDiagnostic[] = [];
  const shape = loopShape(req, diagnostics);
  const constant = () => ({
    lrPerIter: shape ? Array.from({ length: shape.totalIters }, () => [...req.initialLrs]) : [],
    diagnostics,
    schedulers: [],
  });
  if (req.lrConfig === null || req.lrConfig === undefined) return constant();
  let hook: Hook | undefined;
  try {
    hook = buildHook(req.lrConfig, shape, req.initialLrs.length, diagnostics);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    diagnostics.push({
      severity: 'error',
      code: ScheduleCodes.buildError,
      message: `${e.pyType}: ${e.pyMessage}`,
      span: e.span ?? spanOf(req.lrConfig),
    });
    return { lrPerIter: [], diagnostics, schedulers: [] };
  }
  if (!hook) return constant();
  const schedulers = [
    {
      type: `${hook.name}LrUpdaterHook`,
      begin: 0,
      end: shape ? (hook.byEpoch ? maxima(shape).maxEpochs : shape.totalIters) : 0,
      byEpoch: hook.byEpoch,
      param: 'lr',
    },
  ];
  if (!shape) return { lrPerIter: [], diagnostics, schedulers };
  return {
    lrPerIter: runHook(hook, req.initialLrs, shape, diagnostics, spanOf(req.lrConfig)),
    diagnostics,
    schedulers,
  };
}

const spanOf = (v: PyValue) => (v instanceof PyDict ? v.span : undefined);

/** Runner.register_lr_hook + the hook's __init__ and before_run. */
function buildHook(
  cfg: PyValue,
  shape: LoopShape | undefined,
  groupCount: number,
  diagnostics: ScheduleDiagnostic[],
): Hook | undefined {
  if (!(cfg instanceof PyDict))
    throw new PyError('TypeError', `"lr_config" must be a dict or None, but got ${pyRepr(cfg)}`);
  const policyValue = cfg.get('policy');
  if (typeof policyValue !== 'string')
    throw new PyError('AssertionError', "lr_config needs a string 'policy'", cfg.spanOf('policy') ?? cfg.span);
  // All-lower-case names are .title()d ('step' → 'Step'); 'CosineAnnealing' is kept as written.
  const name =
    policyValue === policyValue.toLowerCase()
      ? policyValue.replace(/[a-z]+/g, (w) => w[0].toUpperCase() + w.slice(1))
      : policyValue;
  const def = POLICIES[name];
  if (!def) {
    const hint =
      name === 'Cosine'
        ? " mmcv 1.x registers no CosineLrUpdaterHook; policy='CosineAnnealing' (with min_lr or min_lr_ratio) is the cosine one."
        : ' (a downstream hook?)';
    diagnostics.push({
      severity: 'warning',
      code: ScheduleCodes.unknownType,
      span: cfg.spanOf('policy'),
      message: `${name}LrUpdaterHook is not an mmcv lr updater; the lr is shown constant.${hint}`,
    });
    return undefined;
  }
  const args: Args = new Map(cfg.items);
  args.delete('policy');
  args.delete('type');
  const unknown = [...args.keys()].find((k) => !HOOK_KEYS.includes(k) && !def.keys.includes(k));
  if (unknown)
    throw new PyError(
      'TypeError',
      `${name}LrUpdaterHook.__init__() got an unexpected keyword argument '${unknown}'`,
      cfg.keySpans.get(unknown),
    );
  const run = { maxIters: shape?.totalIters ?? 0, groupCount };
  const policy = def.make(args, run);
  const byEpoch = policy.byEpoch ?? (args.has('by_epoch') ? pyTruthy(args.get('by_epoch')) : true);
  return { name, policy, byEpoch, warmup: warmupOf(args), warmupIters: args.get('warmup_iters') ?? 0n };
}

function warmupOf(args: Args): Warmup | undefined {
  const kind = args.get('warmup') ?? null;
  if (kind === null) return undefined;
  if (kind !== 'constant' && kind !== 'linear' && kind !== 'exp') {
    throw new PyError(
      'ValueError',
      `"${typeof kind === 'string' ? kind : pyRepr(kind)}" is not a supported type for warming up, valid types are "constant", "linear" and "exp"`,
    );
  }
  const iters = numberArg(args, 'warmup_iters', 0);
  if (!(iters > 0)) throw new PyError('AssertionError', '"warmup_iters" must be a positive integer');
  const ratio = numberArg(args, 'warmup_ratio', 0.1);
  if (!(ratio > 0 && ratio <= 1.0)) throw new PyError('AssertionError', '"warmup_ratio" must be in range (0,1]');
  return pyTruthy(args.get('warmup_by_epoch')) ? { kind, ratio, epochs: iters } : { kind, ratio };
}

function warmupLrs(w: Warmup, warmupIters: number, i: number, regular: number[]): number[] {
  if (w.kind === 'constant') return regular.map((lr) => lr * w.ratio);
  if (w.kind === 'linear') {
    const k = (1 - i / warmupIters) * (1 - w.ratio);
    return regular.map((lr) => lr * (1 - k));
  }
  const k = pyPowF(w.ratio, 1 - i / warmupIters);
  return regular.map((lr) => lr * k);
}

/** before_train_epoch / before_train_iter for every iteration; stops where mmcv would raise. */
function runHook(
  hook: Hook,
  initial: number[],
  shape: LoopShape,
  diagnostics: ScheduleDiagnostic[],
  span: ReturnType<typeof spanOf>,
): number[][] {
  const { maxEpochs, maxIters } = maxima(shape);
  const bases = hook.policy.bases?.(initial) ?? initial;
  const w = hook.warmup;
  // `assert isinstance(self.warmup_iters, int)` runs every iteration, warmup or not.
  let warmupIters =
    w?.epochs === undefined && typeof hook.warmupIters === 'bigint' ? Number(hook.warmupIters) : undefined;
  let regular: number[] | undefined;
  let lrs = [...initial];
  const rows: number[][] = [];
  try {
    for (let i = 0; i < shape.totalIters; i++) {
      // IterBasedRunner never calls before_train_epoch, so by_epoch policies never set a regular lr.
      if (shape.epochLoop && i % shape.itersPerEpoch === 0) {
        if (warmupIters === undefined && w?.epochs !== undefined) warmupIters = w.epochs * shape.itersPerEpoch;
        if (hook.byEpoch) lrs = regular = bases.map((b) => hook.policy.lr(b, i / shape.itersPerEpoch, maxEpochs));
      }
      if (warmupIters === undefined) throw new PyError('AssertionError', 'warmup_iters is not an int');
      if (!hook.byEpoch) {
        regular = bases.map((b) => hook.policy.lr(b, i, maxIters));
        lrs = w && i < warmupIters ? warmupLrs(w, warmupIters, i, regular) : regular;
      } else if (w && i <= warmupIters && regular) {
        lrs = i === warmupIters ? regular : warmupLrs(w, warmupIters, i, regular);
      }
      rows.push(lrs);
    }
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    diagnostics.push({
      severity: 'error',
      code: ScheduleCodes.runtimeError,
      span,
      message: `${hook.name}LrUpdaterHook raises ${e.pyType}: ${e.pyMessage} before iteration ${rows.length}; training stops there.`,
    });
  }
  return rows;
}
