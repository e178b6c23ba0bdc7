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

export type { BaseLink, ConfigHost, LoadedConfig } from './types.ts';
export type { ConfigDiagnostic, Severity } from '../python/diagnostics.ts';
export { Codes } from '../python/diagnostics.ts';
export { ConfigDict } from '../python/configDict.ts';
export { qualifiedNames } from '../python/pyContext.ts';

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

export function loadConfig(path: string, host: ConfigHost, text?: string): LoadedConfig {
  const loader = new ConfigLoader(host);
  let root: PyDict = new ConfigDict();
  try {
    root = loader.load(normalize(path), undefined, text)?.dict ?? root;
    for (const key of RESERVED_KEYS) {
      if (root.has(key))
        loader.sink.error(Codes.reservedKey, `KeyError: '${key} is reserved for config file'`, root.keySpans.get(key));
    }
  } catch (e) {
    // The core reports rather than throws; a bug here must not take the editor down.
    loader.sink.error(
      Codes.internal,
      `Internal error while reading the config: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return { root, diagnostics: loader.sink.items, files: loader.files, baseLinks: loader.baseLinks };
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
