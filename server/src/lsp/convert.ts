// The only module that turns core results (offsets into files) into LSP types (URIs and
// line/UTF-16 positions). Positions are computed from the texts the analysis read, so a
// result always lands where it was found even if the file changed since.

import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  MarkupKind,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Location,
  type LocationLink,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { LineIndex } from '../core/positions.ts';
import type { Span } from '../core/pyvalue.ts';
import { ServerCommands } from '../protocol/lsp.ts';
import type {
  CompletionInfo,
  DefinitionInfo,
  HoverInfo,
  LensInfo,
  ServiceDiagnostic,
  Severity,
  TextEdit,
} from './service.ts';

/** The analysis a set of diagnostics comes from: the config that was analysed and its listing. */
export interface DiagnosticOrigin {
  config: string;
  listing?: string;
}

export class Converter {
  private readonly indexes: Map<string, LineIndex>;

  constructor(
    /** The text the spans of `file` refer to (the analysis' snapshot, else the current text). */
    private readonly textOf: (file: string) => string | undefined,
    private readonly uriOf: (file: string) => string,
    /** Line indexes already at hand (a listing's, kept instead of its text). */
    known?: Map<string, LineIndex>,
    /** The analysis the converted results come from (a config's), to attribute diagnostics shown elsewhere. */
    readonly origin?: DiagnosticOrigin,
  ) {
    this.indexes = new Map(known);
  }

  uri(file: string): string {
    return this.uriOf(file);
  }

  /**
   * The one conversion of a client's position to an offset. Clamped to the text (line and
   * character, negative and absurd values too): requests carry whatever the client sends,
   * and an offset past the text would send the service's scans far beyond it.
   */
  offset(file: string, position: { line: number; character: number } | undefined): number {
    const { line, character } = position ?? { line: 0, character: 0 };
    return this.index(file).offset(line, character);
  }

  range(span: Span): Range {
    const index = this.index(span.file);
    return { start: index.position(span.start), end: index.position(Math.max(span.start, span.end)) };
  }

  location(span: Span): Location {
    return { uri: this.uri(span.file), range: this.range(span) };
  }

  private index(file: string): LineIndex {
    let index = this.indexes.get(file);
    if (!index) {
      index = new LineIndex(this.textOf(file) ?? '');
      this.indexes.set(file, index);
    }
    return index;
  }
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: ServiceDiagnostic, conv: Converter): Diagnostic {
  const out: Diagnostic = {
    range: conv.range(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'paramwise',
    message: d.message,
  };
  if (d.related?.length)
    out.relatedInformation = d.related.map((r) => ({ location: conv.location(r.span), message: r.message }));
  const origin = conv.origin;
  if (origin && d.span.file !== origin.config && d.span.file !== origin.listing) attribute(out, origin, conv);
  return out;
}

/** Diagnostics grouped by the URI of the file their span points into. */
export function toDiagnosticsByUri(diags: ServiceDiagnostic[], conv: Converter): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of diags) {
    const uri = conv.uri(d.span.file);
    let list = out.get(uri);
    if (!list) out.set(uri, (list = []));
    list.push(toDiagnostic(d, conv));
  }
  return out;
}

/**
 * A diagnostic shown in another file than the analysed config (a shared `_base_` file, which
 * every config inheriting it reports on) names the config and the listing that produced it,
 * and links to both.
 */
function attribute(d: Diagnostic, origin: DiagnosticOrigin, conv: Converter): void {
  const listing = origin.listing ? ` with listing ${baseName(origin.listing)}` : ' without a listing';
  d.message += ` (Found analysing ${baseName(origin.config)}${listing}.)`;
  const start = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  d.relatedInformation = [
    { location: { uri: conv.uri(origin.config), range: start }, message: 'the config this was found in' },
    ...(origin.listing
      ? [{ location: { uri: conv.uri(origin.listing), range: start }, message: 'the listing it was checked against' }]
      : []),
    ...(d.relatedInformation ?? []),
  ];
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

export function toHover(h: HoverInfo | undefined, conv: Converter): Hover | null {
  if (!h) return null;
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: conv.range(h.span) };
}

export function toWorkspaceEdit(edits: TextEdit[], conv: Converter): WorkspaceEdit {
  const changes: Record<string, { range: Range; newText: string }[]> = {};
  for (const e of edits) (changes[conv.uri(e.file)] ??= []).push({ range: conv.range(e), newText: e.newText });
  return { changes };
}

export function toCodeActions(diags: ServiceDiagnostic[], conv: Converter): CodeAction[] {
  return diags.flatMap((d) =>
    (d.fixes ?? []).map((fix): CodeAction => ({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toDiagnostic(d, conv)],
      isPreferred: fix.preferred,
      edit: toWorkspaceEdit(fix.edits, conv),
      ...revealCommand(d, fix.edits, conv),
    })),
  );
}

export function toCodeLens(lens: LensInfo, conv: Converter): CodeLens {
  // A lens without a command still shows its title; LSP needs a command object to carry it.
  const command = lens.command
    ? { title: lens.title, command: lens.command.id, arguments: lens.command.args }
    : { title: lens.title, command: '' };
  return { range: conv.range(lens.span), command };
}

export function toLocations(spans: Span[], conv: Converter): Location[] {
  return spans.map((s) => conv.location(s));
}

export function toDefinition(def: DefinitionInfo | undefined, conv: Converter): LocationLink[] | null {
  if (!def?.targets.length) return null;
  return def.targets.map((t) => {
    const range = conv.range(t);
    return {
      originSelectionRange: def.origin && conv.range(def.origin),
      targetUri: conv.uri(t.file),
      targetRange: range,
      targetSelectionRange: range,
    };
  });
}

const COMPLETION_KIND: Record<CompletionInfo['kind'], CompletionItemKind> = {
  key: CompletionItemKind.Property,
  optimizer: CompletionItemKind.Class,
  argument: CompletionItemKind.Field,
  'module-path': CompletionItemKind.Module,
  value: CompletionItemKind.Value,
};

export function toCompletionItem(c: CompletionInfo): CompletionItem {
  const item: CompletionItem = { label: c.label, kind: COMPLETION_KIND[c.kind] };
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  if (c.insertText) item.insertText = c.insertText;
  return item;
}

/** A fix that edits another file than the one its diagnostic is shown in reveals that file afterwards. */
function revealCommand(d: ServiceDiagnostic, edits: TextEdit[], conv: Converter): Pick<CodeAction, 'command'> {
  const elsewhere = edits.find((e) => e.file !== d.span.file);
  if (!elsewhere) return {};
  const args = [conv.uri(elsewhere.file), conv.range(elsewhere)];
  return { command: { title: 'Reveal the edited file', command: ServerCommands.revealFile, arguments: args } };
}
