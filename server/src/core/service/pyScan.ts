// Just enough Python lexing to edit a dict in place: where code ends before a closing bracket
// (skipping comments and strings), and where the string literal under a cursor is.

/** Index of the last code character in [from, to), ignoring comments; -1 when there is none. */
export function lastCodeChar(text: string, from: number, to: number): number {
  let last = -1;
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > to ? to : nl;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      last = Math.min(end, to) - 1;
      i = end;
      continue;
    }
    if (!/\s/.test(c)) last = i;
    i++;
  }
  return last;
}

/** End (exclusive) of the string literal whose opening quote is at `start`. */
export function stringEnd(text: string, start: number): number {
  const q = text[start];
  const triple = text.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  while (i < text.length) {
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (!triple && text[i] === '\n') return i;
    if (text.startsWith(close, i)) return i + close.length;
    i++;
  }
  return text.length;
}

/** The quoted string literal that contains `offset` on its line: its span and its value. */
export function stringAt(text: string, offset: number): { start: number; end: number; value: string } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let i = lineStart;
  while (i < text.length && text[i] !== '\n') {
    const c = text[i];
    if (c === '#') return undefined;
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      if (offset > i && offset < end) return { start: i, end, value: text.slice(i + 1, Math.max(i + 1, end - 1)) };
      i = end;
      continue;
    }
    i++;
  }
  return undefined;
}

/** Leading whitespace of the line that contains `offset`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}
