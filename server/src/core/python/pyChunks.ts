// Splits Python source into runs of whole top-level statements (see parsePython for why).
// A light scanner is enough: it only has to know when a line starts a new top-level
// statement, i.e. outside brackets, strings and line continuations.

const STATEMENTS_PER_CHUNK = 100;

/** Keywords that continue the compound statement above them rather than starting one. */
const CONTINUATION = /^(else|elif|except|finally)\b/;

interface ScanState {
  depth: number;
  /** the open string's quote (`'`, `"""`, …), if any */
  quote: string;
  /** where an open bracket first went past MAX_BRACKETS */
  overflowAt?: number;
}

/** CPython's tokenizer refuses the 201st open bracket (MAXLEVEL): "too many nested parentheses". */
export const MAX_BRACKETS = 200;

/** Advances over one line (from `i` to after its newline); returns the next line's start. */
function scanLine(text: string, i: number, st: ScanState): number {
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (st.quote) {
      if (c === '\\') i += 2;
      else if (text.startsWith(st.quote, i)) {
        i += st.quote.length;
        st.quote = '';
      } else if (c === '\n') {
        if (st.quote.length === 1) st.quote = ''; // unterminated: Python stops the string here
        return i + 1;
      } else i++;
      continue;
    }
    if (c === '\n') return i + 1;
    if (c === '#') {
      const end = text.indexOf('\n', i);
      return end < 0 ? n : end + 1;
    }
    if (c === '\\' && text[i + 1] === '\n') i += 2;
    else if (c === "'" || c === '"') {
      const triple = text.startsWith(c.repeat(3), i);
      st.quote = triple ? c.repeat(3) : c;
      i += st.quote.length;
    } else {
      if (c === '(' || c === '[' || c === '{') {
        if (++st.depth > MAX_BRACKETS) st.overflowAt ??= i;
      } else if ((c === ')' || c === ']' || c === '}') && st.depth > 0) st.depth--;
      i++;
    }
  }
  return n;
}

function endsWithContinuation(text: string, lineStart: number, next: number): boolean {
  let j = next - 1;
  while (j > lineStart && (text[j] === '\n' || text[j] === '\r')) j--;
  return text[j] === '\\';
}

/** The offset of the first bracket CPython's tokenizer refuses as nested too deeply, if any. */
export function bracketOverflow(text: string): number | undefined {
  const st: ScanState = { depth: 0, quote: '' };
  for (let i = 0; i < text.length && st.overflowAt === undefined;) i = scanLine(text, i, st);
  return st.overflowAt;
}

/** Ranges covering `text`, each starting at column 0 of a top-level statement. */
export function statementChunks(text: string): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  const st: ScanState = { depth: 0, quote: '' };
  let chunkStart = 0;
  let statements = 0;
  let continued = false;
  let decorator = false;
  for (let i = 0; i < text.length;) {
    const c = text[i];
    const startsStatement = !st.quote && st.depth === 0 && !continued && !/[\s#]/.test(c);
    if (startsStatement && !CONTINUATION.test(text.slice(i, i + 8))) {
      if (statements >= STATEMENTS_PER_CHUNK && !decorator) {
        ranges.push({ from: chunkStart, to: i });
        chunkStart = i;
        statements = 0;
      }
      statements++;
      decorator = c === '@';
    }
    const next = scanLine(text, i, st);
    continued = !st.quote && endsWithContinuation(text, i, next);
    i = next;
  }
  ranges.push({ from: chunkStart, to: text.length });
  return ranges;
}
