// Static loader for MMEngine / OpenMMLab config files (.py in both styles, .json, .yaml).
// It reproduces `Config.fromfile(path).to_dict()` without running Python: every value keeps
// the span it was written at, and whatever cannot be reduced statically is a PyUnresolved
// with a diagnostic. All I/O goes through the injected host.
import { PyDict } from '../pyvalue.ts';
import { ConfigLoader } from './loader.ts';
import { ConfigDict } from '../python/configDict.ts';
import { normalize } from '../paths.ts';
import { Codes } from '../python/diagnostics.ts';
import type { LoadedConfig, ConfigHost } from './types.ts';
import type { ConfigDiagnostic } from '../python/diagnostics.ts';
import { BudgetExceeded, toBudget, type Budget, type BudgetLimits } from '../python/budget.ts';

export type { BaseLink, ConfigHost, LoadedConfig } from './types.ts';
export type { ConfigDiagnostic, Severity } from '../python/diagnostics.ts';
export { Codes } from '../python/diagnostics.ts';
export { ConfigDict } from '../python/configDict.ts';
export { qualifiedNames } from '../python/pyContext.ts';
export { Budget, DEFAULT_LIMITS, type BudgetLimits } from '../python/budget.ts';

const RESERVED_KEYS = ['filename', 'text', 'pretty_text', 'env_variables'];

/** The keys `paramwise resolve` reports (§12.5, plus the mmcv 1.x ones of §12.6). */
export const OPTIMIZER_KEYS = [
  'optim_wrapper',
  'optimizer',
  'optimizer_config',
  'param_scheduler',
  'lr_config',
  'auto_scale_lr',
  'train_cfg',
];

export interface LoadOptions {
  /**
   * The analysis' budget: limits for this load (the rest default, DEFAULT_LIMITS), or a Budget
   * the caller shares between several loads of one analysis. Its clock starts when it is made.
   */
  budget?: Budget | Partial<BudgetLimits>;
}

export function loadConfig(path: string, host: ConfigHost, text?: string, options: LoadOptions = {}): LoadedConfig {
  const loader = new ConfigLoader(host, toBudget(options.budget));
  let root: PyDict = new ConfigDict();
  let stopped = false;
  try {
    root = loader.load(normalize(path), undefined, text)?.dict ?? root;
    for (const key of RESERVED_KEYS) {
      if (root.has(key))
        loader.sink.error(Codes.reservedKey, `KeyError: '${key} is reserved for config file'`, root.keySpans.get(key));
    }
  } catch (e) {
    // Whatever was evaluated so far is partial: none of it is returned, so nothing is resolved
    // from it. Pushed past the sink's per-file cap: this one must be seen.
    const stop = stopDiagnostic(e, normalize(path));
    if (stop) {
      loader.sink.items.push(stop);
      root = new ConfigDict();
      stopped = true;
    } else {
      // The core reports rather than throws; a bug here must not take the editor down.
      loader.sink.error(
        Codes.internal,
        `Internal error while reading the config: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const loaded: LoadedConfig = {
    root,
    diagnostics: loader.sink.items,
    files: loader.files,
    baseLinks: loader.baseLinks,
  };
  if (stopped) loaded.stopped = true;
  return loaded;
}

/** The one diagnostic of an analysis that stopped early: out of budget, or too deep for the JS stack. */
function stopDiagnostic(e: unknown, file: string): ConfigDiagnostic | undefined {
  if (e instanceof BudgetExceeded)
    return { severity: 'error', code: Codes.budget, message: e.message, span: e.span ?? { file, start: 0, end: 0 } };
  // Every nesting the loader knows is limited; a stack overflow left is a shape nobody foresaw.
  if (e instanceof RangeError)
    return {
      severity: 'error',
      code: Codes.tooDeep,
      message:
        'This config is nested too deeply or is too large to evaluate statically; Paramwise stopped and resolves nothing from it.',
      span: { file, start: 0, end: 0 },
    };
  return undefined;
}

/** `paramwise resolve`: the optimizer-related keys of a config, or `{error}` when nothing could be read. */
export function optimizerKeys(cfg: LoadedConfig): PyDict {
  const out = new PyDict();
  const error = cfg.diagnostics.find((d) => d.severity === 'error');
  if (cfg.root.size === 0 && error) {
    out.set('error', error.message, undefined, error.span);
    return out;
  }
  for (const key of OPTIMIZER_KEYS) {
    if (cfg.root.has(key))
      out.set(key, cfg.root.get(key) ?? null, cfg.root.keySpans.get(key), cfg.root.valueSpans.get(key));
  }
  return out;
}
