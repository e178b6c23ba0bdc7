// How evaluation problems are reported: the diagnostic shape, the code of each kind of problem,
// and the sink that collects them. The Python evaluator writes to it, and so does the config
// loader (config/); the loader's codes about files and inheritance are in the same table so that
// every `config-*` code is listed once.
import type { Span } from '../pyvalue.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface ConfigDiagnostic {
  severity: Severity;
  code: string;
  message: string;
  span?: Span;
}

/** Diagnostic codes, one per kind of problem, so adapters and tests can filter on them. */
export const Codes = {
  syntax: 'config-syntax',
  unresolved: 'config-unresolved',
  pythonError: 'config-python-error',
  fileMissing: 'config-file-missing',
  baseMissing: 'config-base-missing',
  baseCycle: 'config-base-cycle',
  baseDuplicateKey: 'config-base-duplicate-key',
  baseVarMissing: 'config-base-var-missing',
  mergeType: 'config-merge-type',
  styleMix: 'config-style-mix',
  packageUnavailable: 'config-package-unavailable',
  envMissing: 'config-env-missing',
  deprecated: 'config-deprecated',
  reservedKey: 'config-reserved-key',
  unsupportedFormat: 'config-unsupported-format',
  yamlFloatString: 'config-yaml-float-string',
  /** nested deeper than the analysis' depth limit (an expression, a value, a data file, the `_base_` chain) */
  tooDeep: 'config-too-deep',
  /** the analysis ran out of time or elements and stopped: nothing is resolved from it */
  budget: 'config-budget',
  internal: 'config-internal',
} as const;

/** Collects diagnostics; caps repeats so binary garbage cannot produce a million entries. */
export class DiagnosticSink {
  readonly items: ConfigDiagnostic[] = [];
  private readonly perFile = new Map<string, number>();
  private static readonly maxPerFile = 200;

  add(severity: Severity, code: string, message: string, span?: Span): void {
    const key = span?.file ?? '';
    const count = (this.perFile.get(key) ?? 0) + 1;
    this.perFile.set(key, count);
    if (count > DiagnosticSink.maxPerFile) return;
    if (count === DiagnosticSink.maxPerFile) {
      this.items.push({
        severity: 'info',
        code,
        message: 'Too many problems in this file; the rest are not shown.',
        span,
      });
      return;
    }
    this.items.push(span ? { severity, code, message, span } : { severity, code, message });
  }
  error(code: string, message: string, span?: Span): void {
    this.add('error', code, message, span);
  }
  warning(code: string, message: string, span?: Span): void {
    this.add('warning', code, message, span);
  }
}
