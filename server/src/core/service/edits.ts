// Text edits on config dicts, in both spellings (`dict(a=1)` and `{'a': 1}`), that keep the
// file valid Python: commas (trailing or not), one-line vs one-entry-per-line layouts and
// comments after the last entry. Every edit is computed from spans plus the file's text.

import { PyDict, type Span } from '../pyvalue.ts';
import { lastCodeChar, lineEndOf, lineIndent, lineStartOf } from './pyScan.ts';
import type { SourceLookup, TextEdit } from './types.ts';

export interface DictText {
  file: string;
  text: string;
  /** Offsets of the opening and closing bracket. */
  open: number;
  close: number;
  style: 'call' | 'literal';
  quote: string;
}

/** Where a dict is written, if it is written as one `dict(...)` or `{...}` we can edit. */
export function dictText(dict: PyDict | undefined, sources: SourceLookup | undefined): DictText | undefined {
  const span = dict?.span;
  const text = span && sources?.(span.file);
  if (!span || text === undefined) return undefined;
  const close = span.end - 1;
  let style: DictText['style'];
  let open: number;
  if (text[span.start] === '{' && text[close] === '}') [style, open] = ['literal', span.start];
  else if (/^dict\s*\(/.test(text.slice(span.start, span.start + 16)) && text[close] === ')')
    [style, open] = ['call', text.indexOf('(', span.start)];
  else return undefined;
  const firstQuote = /['"]/.exec(text.slice(open, close));
  return { file: span.file, text, open, close, style, quote: firstQuote ? firstQuote[0] : "'" };
}

export function renderEntry(dt: Pick<DictText, 'style' | 'quote'>, key: string, valueText: string): string {
  return dt.style === 'call' ? `${key}=${valueText}` : `${dt.quote}${key}${dt.quote}: ${valueText}`;
}

/** Appends `entry` as the dict's last entry, following its layout. */
export function insertEntry(dt: DictText, entry: string): TextEdit {
  const { text, open, close, file } = dt;
  const last = lastCodeChar(text, open + 1, close);
  const multiLine = text.slice(open, close).includes('\n');
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  if (last < 0) {
    if (!multiLine) return { file, start: open + 1, end: open + 1, newText: entry };
    return { file, start: open + 1, end: open + 1, newText: `${nl}${lineIndent(text, open)}    ${entry},` };
  }
  if (!multiLine) {
    return { file, start: last + 1, end: last + 1, newText: text[last] === ',' ? ` ${entry}` : `, ${entry}` };
  }
  const indent = lineStartOf(text, last) <= open ? ' '.repeat(firstCodeColumn(text, open)) : lineIndent(text, last);
  // Keep a comment that follows the last entry on that entry's line.
  let lineEnd = Math.min(lineEndOf(text, last), close);
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const tail = text.slice(last + 1, lineEnd);
  const trailingComma = text[last] === ',';
  const newText = `${trailingComma ? '' : ','}${tail}${nl}${indent}${entry}${trailingComma ? ',' : ''}`;
  return { file, start: last + 1, end: lineEnd, newText };
}

function firstCodeColumn(text: string, open: number): number {
  let i = open + 1;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i - lineStartOf(text, open);
}

/** Deletes `key` (and its comma, or its whole line when it stands alone). */
export function removeEntry(dt: DictText, dict: PyDict, key: string): TextEdit | undefined {
  const ks = dict.keySpans.get(key);
  const vs = dict.valueSpans.get(key);
  if (!ks || !vs || !inside(dt, ks) || !inside(dt, vs)) return undefined;
  const { text, file } = dt;
  let end = vs.end;
  while (text[end] === ' ' || text[end] === '\t') end++;
  if (text[end] === ',') {
    end++;
    const lineStart = lineStartOf(text, ks.start);
    const restOfLine = text.slice(end, lineEndOf(text, end));
    if (!text.slice(lineStart, ks.start).trim() && !restOfLine.trim() && lineEndOf(text, end) < dt.close) {
      return { file, start: lineStart, end: lineEndOf(text, end) + 1, newText: '' };
    }
    while (text[end] === ' ' || text[end] === '\t') end++;
    return { file, start: ks.start, end, newText: '' };
  }
  const before = lastCodeChar(text, dt.open + 1, ks.start);
  if (before >= 0 && text[before] === ',') return { file, start: before, end: vs.end, newText: '' };
  return { file, start: ks.start, end: vs.end, newText: '' };
}

function inside(dt: DictText, s: Span): boolean {
  return s.file === dt.file && s.start > dt.open && s.end <= dt.close;
}

/** The source text of a key's value, when it is written inside `dt`. */
export function valueText(dt: DictText, dict: PyDict, key: string): string | undefined {
  const vs = dict.valueSpans.get(key);
  return vs && inside(dt, vs) ? dt.text.slice(vs.start, vs.end) : undefined;
}

/** Renames a key where it is written, keeping its quotes. */
export function renameKey(
  dict: PyDict,
  key: string,
  newKey: string,
  sources: SourceLookup | undefined,
): TextEdit | undefined {
  const ks = dict.keySpans.get(key);
  const text = ks && sources?.(ks.file);
  if (!ks || text === undefined) return undefined;
  const written = text.slice(ks.start, ks.end);
  const q = written[0];
  if ((q === '"' || q === "'") && written.endsWith(q))
    return { file: ks.file, start: ks.start, end: ks.end, newText: `${q}${newKey}${q}` };
  if (written !== key) return undefined;
  return { file: ks.file, start: ks.start, end: ks.end, newText: newKey };
}

export function replaceSpan(span: Span, newText: string): TextEdit {
  return { file: span.file, start: span.start, end: span.end, newText };
}

/** Moves `from[key]` into `to` (same or another file): delete there, append here. */
export function moveEntry(
  from: PyDict,
  key: string,
  to: PyDict,
  sources: SourceLookup | undefined,
): TextEdit[] | undefined {
  const src = dictText(from, sources);
  const dst = dictText(to, sources);
  if (!src || !dst || to.has(key)) return undefined;
  const value = valueText(src, from, key);
  const removal = removeEntry(src, from, key);
  if (value === undefined || !removal) return undefined;
  return [removal, insertEntry(dst, renderEntry(dst, key, value))];
}

/**
 * Moves the entries of the dict `from[key]` into `to` and deletes `from[key]`: the fix for a
 * block written twice (inside optimizer= and beside it). Undefined if a key is in both.
 */
export function mergeEntries(
  from: PyDict,
  key: string,
  to: PyDict,
  sources: SourceLookup | undefined,
): TextEdit[] | undefined {
  const inner = from.get(key);
  const src = dictText(from, sources);
  const innerText = inner instanceof PyDict ? dictText(inner, sources) : undefined;
  const dst = dictText(to, sources);
  if (!(inner instanceof PyDict) || !src || !innerText || !dst || inner.keys().some((k) => to.has(k))) return undefined;
  const entries: string[] = [];
  for (const k of inner.keys()) {
    const v = valueText(innerText, inner, k);
    if (v === undefined) return undefined;
    entries.push(renderEntry(dst, k, v));
  }
  const removal = removeEntry(src, from, key);
  if (!removal) return undefined;
  return entries.length ? [removal, insertEntry(dst, entries.join(', '))] : [removal];
}

/** Applies non-overlapping edits to one file's text (for tests and the CLI's --fix). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
