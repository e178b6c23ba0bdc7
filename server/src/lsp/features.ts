// Editor features for one position or document: find the analysis that knows the file, ask
// the language service, convert. Every answer comes from fresh results (the runs it depends
// on are flushed first, no others) and is empty when the file is not one Paramwise analyses.

import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  Hover,
  Location,
  LocationLink,
  Position,
  Range,
} from 'vscode-languageserver/node';
import type { ConfigRecord } from './analyzer.ts';
import {
  toCodeActions,
  toCodeLens,
  toCompletionItem,
  toDefinition,
  toHover,
  toLocations,
  type Converter,
} from './convert.ts';
import { uriToPath } from './files.ts';
import { completionsAt, definitionAt, hoverAt, lensesFor, referencesAt } from './service.ts';
import type { Session } from './session.ts';

interface At {
  record: ConfigRecord & { analysis: NonNullable<ConfigRecord['analysis']> };
  path: string;
  conv: Converter;
  text: string;
}

export class Features {
  constructor(private readonly session: Session) {}

  async hover(uri: string, pos: Position): Promise<Hover | null> {
    const at = await this.locate(uri);
    return at ? toHover(hoverAt(at.record.analysis, at.path, at.conv.offset(at.path, pos)), at.conv) : null;
  }

  async definition(uri: string, pos: Position): Promise<LocationLink[] | null> {
    const at = await this.locate(uri);
    return at ? toDefinition(definitionAt(at.record.analysis, at.path, at.conv.offset(at.path, pos)), at.conv) : null;
  }

  async references(uri: string, pos: Position): Promise<Location[]> {
    const at = await this.locate(uri);
    return at ? toLocations(referencesAt(at.record.analysis, at.path, at.conv.offset(at.path, pos)), at.conv) : [];
  }

  async completion(uri: string, pos: Position): Promise<CompletionItem[]> {
    const at = await this.locate(uri);
    if (!at) return [];
    const offset = at.conv.offset(at.path, pos);
    const lineStart = at.conv.offset(at.path, { line: pos.line, character: 0 });
    return completionsAt(at.record.analysis, at.path, offset, at.text.slice(lineStart, offset)).map(toCompletionItem);
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    const at = await this.locate(uri);
    return at ? lensesFor(at.record.analysis, at.path).map((l) => toCodeLens(l, at.conv)) : [];
  }

  /** Quick fixes of the diagnostics (of this file) that overlap the requested range. */
  async codeActions(uri: string, range: Range): Promise<CodeAction[]> {
    const at = await this.locate(uri);
    if (!at) return [];
    const start = at.conv.offset(at.path, range.start);
    const end = at.conv.offset(at.path, range.end);
    const hits = at.record.diagnostics.filter(
      (d) => d.fixes?.length && d.span.file === at.path && d.span.start <= end && start <= d.span.end,
    );
    return toCodeActions(hits, at.conv);
  }

  /**
   * The analysis that covers `uri`, if its snapshot of the file is the text the client has
   * now (otherwise positions would not line up; the client asks again after the next run).
   */
  private async locate(uri: string): Promise<At | undefined> {
    await this.session.flushFor(uri);
    const path = uriToPath(uri);
    const record = path ? this.session.configRecordFor(path) : undefined;
    if (!path || !record?.analysis) return undefined;
    const text = record.texts.get(path);
    const doc = this.session.documents.get(uri);
    if (text === undefined || (doc && doc.getText() !== text)) return undefined;
    return { record: record as At['record'], path, conv: this.session.converter(record), text };
  }
}
