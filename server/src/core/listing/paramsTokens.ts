// The tokens of a .params line, shared by its two readers (paramsLine.ts, every rule and
// message; paramsColumns.ts, the dumper's listings as columns) so that both split a line alike.

const SPACE = 32, TAB = 9, EQUALS = 61, LBRACKET = 91, RBRACKET = 93;

export const isSpace = (c: number): boolean => c === SPACE || c === TAB;

/** A name with none of the chars that need a closer look; stops at the line end. Sticky: set lastIndex first. */
export const PLAIN_NAME = /[^ \t\n\r[\]()<>=,'"]+/y;

export function skipSpaces(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** End of a whitespace-delimited token; spaces inside <>, (), [] and quotes belong to it. */
export function tokenEnd(text: string, k: number, end: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = k; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 /* \ */) i++;
      else if (c === quote) quote = 0;
    } else if (c === 39 || c === 34) quote = c;
    else if (c === 40 || c === 60 || c === LBRACKET) depth++;
    else if (c === 41 || c === 62 || c === RBRACKET) depth--;
    else if (depth <= 0 && isSpace(c)) return i;
  }
  return end;
}

/** `frozen`, `trainable` or `word=value`; a class's `=` only ever comes inside its parentheses. */
export function isFlag(text: string, start: number, end: number): boolean {
  if (isWord(text, start, end, 'frozen') || isWord(text, start, end, 'trainable')) return true;
  let i = start;
  for (let c = text.charCodeAt(i); i < end && ((c >= 97 && c <= 122) || c === 95); c = text.charCodeAt(++i));
  return i > start && i < end && text.charCodeAt(i) === EQUALS;
}

export const isWord = (text: string, start: number, end: number, word: string): boolean => end - start === word.length && text.startsWith(word, start);

/**
 * A sticky regex matching exactly `token`: the lines of a module repeat its class column, and
 * this compares fastest (startsWith is several times slower on this V8, slice + === goes
 * through the runtime).
 */
export const literalPattern = (token: string): RegExp => new RegExp(token.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'), 'y');
