// One line of a plain parameter dump, the way people print named_parameters():
//   backbone.layer1.0.conv1.weight torch.Size([64, 64, 3, 3])
//   name: (64,)            name [64]          name\t64x3x3x3        name -> [64, 3] True
//   ('conv1.weight', torch.Size([64, 3, 7, 7]))                      name | [64] | 64 | False
// A char scanner with a few fixed shape spellings: no backtracking regex, 100k lines stay fast.

import type { ShapeInterner } from './shapes.ts';

export interface PlainEntry {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** Interned (shared, frozen). */
  shape: number[];
  requiresGrad: boolean;
  dtype?: string;
}

// Sticky regexes scan natively: on this V8 they beat a char-code loop over a 40-char name, and
// String.prototype.startsWith costs several times either.
const NAME = /[A-Za-z0-9_.-]*/y;
const TORCH_SIZE = /torch\.Size\(/y;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
// Spaces, tabs and what people put between a name and its shape: `:` `,` `=` `|` `->` `=>`.
const isSeparator = (c: number): boolean =>
  c === 32 || c === 9 || c === 58 || c === 44 || c === 61 || c === 124 || c === 45 || c === 62;

export function parsePlainLine(
  text: string,
  start: number,
  end: number,
  shapes: ShapeInterner,
): PlainEntry | undefined {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 40) /* ( */) i++;
  const quote = text.charCodeAt(i) === 39 || text.charCodeAt(i) === 34 ? text.charCodeAt(i++) : 0;
  const nameStart = i;
  NAME.lastIndex = i;
  NAME.test(text);
  const nameEnd = (i = Math.min(NAME.lastIndex, end));
  if (nameEnd === nameStart || !hasLetter(text, nameStart, nameEnd)) return undefined;
  if (quote && text.charCodeAt(i++) !== quote) return undefined;
  if (i < end && !isSeparator(text.charCodeAt(i))) return undefined;
  i = skipSeparators(text, i, end);
  i = skipWord(text, i, end, 'shape');
  i = skipWord(text, i, end, 'size');
  shapes.begin();
  const afterShape = readShape(text, i, end, shapes);
  if (afterShape < 0) return undefined;
  const entry: PlainEntry = {
    name: text.slice(nameStart, nameEnd),
    nameStart,
    nameEnd,
    shape: shapes.take(),
    requiresGrad: true,
  };
  if (afterShape < end) readTrailer(text.slice(afterShape, end), entry);
  return entry;
}

function hasLetter(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

function skipSeparators(text: string, i: number, end: number): number {
  while (i < end && isSeparator(text.charCodeAt(i))) i++;
  return i;
}

/** `shape=`, `size:` and the like, before the shape itself. */
function skipWord(text: string, i: number, end: number, word: string): number {
  if (text.charCodeAt(i) !== word.charCodeAt(0) || !text.startsWith(word, i)) return i;
  const after = i + word.length;
  return after < end && isSeparator(text.charCodeAt(after)) ? skipSeparators(text, after, end) : i;
}

/** `torch.Size([..])`, `[..]`, `(..)`, `64x3x3x3`, `64`; returns the index after it, or -1. */
function readShape(text: string, i: number, end: number, out: ShapeInterner): number {
  TORCH_SIZE.lastIndex = i;
  if (text.charCodeAt(i) === 116 /* t */ && TORCH_SIZE.test(text)) {
    const close = readBracketed(text, i + 11, end, out);
    return close >= 0 && text.charCodeAt(close) === 41 ? close + 1 : -1;
  }
  const c = text.charCodeAt(i);
  if (c === 91 || c === 40) return readBracketed(text, i, end, out);
  if (!isDigit(c)) return -1;
  for (;;) {
    let value = 0;
    const digits = i;
    while (i < end && isDigit(text.charCodeAt(i))) value = value * 10 + text.charCodeAt(i++) - 48;
    if (i === digits) return -1;
    out.push(value);
    let j = i;
    while (j < end && text.charCodeAt(j) === 32) j++;
    const x = text.charCodeAt(j);
    if (j >= end || (x !== 120 /* x */ && x !== 215) /* × */) return i;
    j++;
    while (j < end && text.charCodeAt(j) === 32) j++;
    i = j;
  }
}

/** `[64, 3]`, `(64,)`, `[]`: whole numbers only. */
function readBracketed(text: string, i: number, end: number, out: ShapeInterner): number {
  const close = text.charCodeAt(i) === 91 ? 93 : 41;
  if (text.charCodeAt(i) !== 91 && text.charCodeAt(i) !== 40) return -1;
  i++;
  for (;;) {
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) === close && i < end) return i + 1;
    let value = 0;
    const digits = i;
    while (i < end && isDigit(text.charCodeAt(i))) value = value * 10 + text.charCodeAt(i++) - 48;
    if (i === digits) return -1;
    out.push(value);
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) === 44 && i < end) i++;
    else if (text.charCodeAt(i) !== close || i >= end) return -1;
  }
}

/** After the shape: `True`/`False` or `requires_grad=False` (printed next to it), `frozen`, a dtype. */
function readTrailer(rest: string, entry: PlainEntry): void {
  if (!rest) return;
  for (const token of rest.split(/[\s,|)(]+/)) {
    if (token === 'False' || token === 'frozen' || token.endsWith('requires_grad=False')) entry.requiresGrad = false;
    else if (token.startsWith('torch.') && token.length > 6) entry.dtype = token.slice(6);
    else if (token.startsWith('dtype=')) entry.dtype = token.slice(6).replace(/^torch\./, '');
  }
}
