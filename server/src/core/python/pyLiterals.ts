// Python number and string literals, decoded the way CPython's tokenizer does, so that
// `1` stays an int, `1.` and `1e-4` are floats, and escapes and prefixes mean what they mean.

/** Number token text -> bigint (int) | number (float); undefined for complex (`1j`). */
export function parseNumber(text: string): bigint | number | undefined {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return undefined;
  if (/^0[xXoObB]/.test(t)) return BigInt(t.toLowerCase());
  if (/[.eE]/.test(t)) return Number(t);
  return BigInt(t);
}

export interface StringParts {
  prefix: string;
  quote: string;
  body: string;
  /** offset of `body` inside the token text */
  bodyOffset: number;
}

/** Splits `rb'''…'''` into prefix, quote and body; tolerates a missing closing quote. */
export function splitString(text: string): StringParts {
  const prefix = /^[a-zA-Z]*/.exec(text)?.[0] ?? '';
  const rest = text.slice(prefix.length);
  const quote = rest.startsWith("'''") || rest.startsWith('"""') ? rest.slice(0, 3) : rest.slice(0, 1);
  const closed = rest.length >= 2 * quote.length && rest.endsWith(quote);
  const body = rest.slice(quote.length, closed ? rest.length - quote.length : rest.length);
  return { prefix: prefix.toLowerCase(), quote, body, bodyOffset: prefix.length + quote.length };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Backslash escapes of a non-raw literal; unknown escapes stay as written, like CPython. */
export function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(
    /\\(\r\n|\n|\r|[\\'"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs,
    (whole, esc: string) => {
      if (esc === '\n' || esc === '\r\n' || esc === '\r') return '';
      if (esc in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[esc];
      if (/^[0-7]/.test(esc)) return String.fromCodePoint(parseInt(esc, 8));
      if (/^[xuU]/.test(esc) && esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16));
      return whole;
    },
  );
}

/** The value of one non-f string token. */
export function decodeString(text: string): string {
  const { prefix, body } = splitString(text);
  return prefix.includes('r') ? body : decodeEscapes(body);
}

/** Literal text between f-string replacements: escapes, then `{{`/`}}` -> `{`/`}`. */
export function decodeFormatLiteral(segment: string, raw: boolean): string {
  const text = raw ? segment : decodeEscapes(segment);
  return text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}
