// Shared helpers for the config loader tests: in-memory hosts and span assertions.
import assert from 'node:assert/strict';
import {
  loadConfig,
  type ConfigDiagnostic,
  type ConfigHost,
  type LoadedConfig,
} from '../../../server/src/core/config/index.ts';
import { PyDict, PyList, type PyValue, type Span } from '../../../server/src/core/pyvalue.ts';

/** A host over a map of absolute path -> text. */
export function memoryHost(files: Record<string, string>, extra: Partial<ConfigHost> = {}): ConfigHost {
  return { readFile: (p) => files[p], ...extra };
}

/** Loads `/cfg/main.py` (or `entry`) from the given files. */
export function load(
  files: Record<string, string>,
  entry = '/cfg/main.py',
  extra: Partial<ConfigHost> = {},
): LoadedConfig {
  return loadConfig(entry, memoryHost(files, extra));
}

/** Loads a single Python file given as text. */
export function loadPy(text: string, extra: Partial<ConfigHost> = {}): LoadedConfig {
  return load({ '/cfg/main.py': text }, '/cfg/main.py', extra);
}

/** Follows a dotted path (`optim_wrapper.optimizer.lr`, `param_scheduler.0.end`). */
export function at(root: PyValue, path: string): PyValue | undefined {
  let cur: PyValue | undefined = root;
  for (const key of path.split('.')) {
    if (cur instanceof PyDict) cur = cur.get(key);
    else if (cur instanceof PyList) cur = cur.items[Number(key)];
    else return undefined;
  }
  return cur;
}

/** The value span of the entry at `path`, e.g. where `optim_wrapper.optimizer.lr` was written. */
export function spanAt(root: PyDict, path: string): Span | undefined {
  const keys = path.split('.');
  const container = keys.length === 1 ? root : at(root, keys.slice(0, -1).join('.'));
  const last = keys[keys.length - 1];
  if (container instanceof PyDict) return container.valueSpans.get(last);
  if (container instanceof PyList) return container.itemSpans[Number(last)];
  return undefined;
}

export function textOfSpan(files: Record<string, string>, span: Span | undefined): string | undefined {
  return span && files[span.file]?.slice(span.start, span.end);
}

export function codes(diags: ConfigDiagnostic[], severity?: ConfigDiagnostic['severity']): string[] {
  return diags.filter((d) => !severity || d.severity === severity).map((d) => d.code);
}

export function assertNoErrors(cfg: LoadedConfig): void {
  const errors = cfg.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `unexpected errors: ${errors.map((e) => e.message).join('; ')}`);
}

/** Offset of the `|` caret in `marked`, and the text without it. */
export function caret(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'no caret in test text');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
