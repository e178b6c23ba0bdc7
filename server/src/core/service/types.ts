// The language service: what the editor features need from the core, as plain data with
// offsets. The LSP server converts these to LSP types in one place; the core never sees LSP.

import type { Span } from '../pyvalue.ts';
import type { LoadedConfig } from '../config/types.ts';
import type { ListingResult } from '../listing/model.ts';
import type { ResolveResult } from '../resolve/types.ts';
import type { ResolveOptions } from '../resolve/index.ts';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/**
 * The current text of a file (an open editor buffer, else the disk), for fixes that must see
 * commas and indentation and for hovers on strings. Injected so the core does no I/O.
 */
export type SourceLookup = (file: string) => string | undefined;

export interface AnalyzeInput {
  file: string;
  config: LoadedConfig;
  listing?: ListingResult;
  /** Without it, fixes that need the source text are not offered. */
  sources?: SourceLookup;
  /** Passed to resolveConfig (e.g. layer rules from a side file). */
  resolveOptions?: ResolveOptions;
}

/** A text edit in one file (offsets into that file's current text). */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface ServiceDiagnostic {
  /** Stable code, e.g. 'pw-adam-coupled-wd'; severity is configurable per code. */
  code: string;
  severity: Severity;
  /** What happens in training and what to do about it. */
  message: string;
  span: Span;
  /** Places that explain the diagnostic (e.g. the listing lines a custom key matched). */
  related?: { span: Span; message: string }[];
  /** Mechanical fixes for this diagnostic. */
  fixes?: { title: string; edits: TextEdit[]; preferred?: boolean }[];
}

/** Everything known about one config (+ its paired listing), computed once per change. */
export interface ConfigAnalysis {
  file: string;
  config: LoadedConfig;
  listing?: ListingResult;
  /** Absent when there is no listing: checks that need no model still run. */
  result?: ResolveResult;
  diagnostics: ServiceDiagnostic[];
  /** As given to analyzeConfig; hovers and completion read strings through it. */
  sources?: SourceLookup;
}

export interface HoverInfo {
  span: Span;
  markdown: string;
}

export interface LensInfo {
  span: Span;
  title: string;
  /**
   * Optional client command id + args. The service uses `paramwise.openExplorer` and
   * `paramwise.smokeTrain` with one argument `{ file, optimizer, customKey? }`: the analysed
   * config, the optimizer's name ('' for a single one) and the key to focus.
   */
  command?: { id: string; args: unknown[] };
}

export interface DefinitionInfo {
  origin?: Span;
  targets: Span[];
}

export interface CompletionInfo {
  label: string;
  kind: 'key' | 'optimizer' | 'argument' | 'module-path' | 'value';
  detail?: string;
  documentation?: string;
  insertText?: string;
}
