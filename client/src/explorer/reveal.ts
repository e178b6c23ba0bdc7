// Selecting a parameter in the explorer shows where it is listed and which config rule
// decided it, without taking focus from the panel (so arrow keys keep working there).

import * as vscode from 'vscode';
import type { ExplorerPayload } from '../../../server/src/protocol/webview.ts';

export async function revealParam(payload: ExplorerPayload, param: number, name: string): Promise<void> {
  const rule = payload.rules[payload.params.rule[param]];
  const listingOffset = payload.params.listingOffset[param];
  await revealInListing(vscode.Uri.file(payload.listingFile), listingOffset, name);
  if (rule?.span)
    await revealSpan(vscode.Uri.file(rule.span.file), rule.span.start, rule.span.end, vscode.ViewColumn.One);
}

async function revealInListing(uri: vscode.Uri, offset: number, name: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const start = offset >= 0 ? offset : findName(doc.getText(), name);
  if (start < 0) return;
  const line = doc.lineAt(doc.positionAt(start).line);
  await show(doc, line.range, vscode.ViewColumn.Beside);
}

async function revealSpan(uri: vscode.Uri, start: number, end: number, fallback: vscode.ViewColumn): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await show(doc, new vscode.Range(doc.positionAt(start), doc.positionAt(end)), fallback);
}

/** Where the document is already visible, else in `fallback`; as a preview, keeping focus. */
async function show(doc: vscode.TextDocument, range: vscode.Range, fallback: vscode.ViewColumn): Promise<void> {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: visible?.viewColumn ?? fallback,
    preserveFocus: true,
    preview: true,
    selection: range,
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * JSON listings carry no positions. The dumper writes the flat `named_parameters()` list
 * last, so the parameter's entry there is the last `"name": "<param>"`; text listings
 * start a line with the name.
 */
export function findName(text: string, name: string): number {
  let last = -1;
  for (const m of text.matchAll(new RegExp(`"name"\\s*:\\s*${escapeRegExp(JSON.stringify(name))}`, 'g')))
    last = m.index;
  if (last >= 0) return last;
  const line = new RegExp(`^\\s*${escapeRegExp(name)}\\b`, 'm').exec(text);
  return line ? line.index : -1;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
