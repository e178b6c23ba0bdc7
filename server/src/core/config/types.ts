// Public data shapes of the config loader. Its diagnostics (shape, codes, sink) are shared with
// the Python evaluator and live in python/diagnostics.ts.
import type { PyDict, Span } from '../pyvalue.ts';
import type { ConfigDiagnostic } from '../python/diagnostics.ts';

export interface ConfigHost {
  readFile(path: string): string | undefined;
  /** resolve 'mmdet::configs/x.py' style package paths; undefined = not available */
  resolvePackagePath?(pkg: string, rel: string): string | undefined;
  /** for {{$ENV:default}}; absent -> use default */
  env?: Record<string, string | undefined>;
}

export interface BaseLink {
  span: Span;
  target: string;
}

export interface LoadedConfig {
  /** top-level keys, like Config.fromfile(path).to_dict() */
  root: PyDict;
  diagnostics: ConfigDiagnostic[];
  /** every file read in the inheritance chain, the entry first */
  files: string[];
  /** for go-to-definition: the _base_ path strings and where they point */
  baseLinks: BaseLink[];
  /**
   * Evaluation stopped before the end (out of its budget of time or size: one `config-budget`
   * diagnostic says where): `root` is empty, and nothing may be resolved from this config.
   */
  stopped?: boolean;
}
