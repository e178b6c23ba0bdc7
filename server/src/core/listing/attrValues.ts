// Module attributes in a .params class column: `(in_channels=96, groups=96, kernel_size=(7, 7),
// padding_mode='zeros', eps=1e-06, affine=True, padding_idx=None)`. Values are written the way
// torch prints a module (Python literals); JSON spellings (`true`, `null`, `[7, 7]`, "x") read too.

export type AttrsParse = { value: Record<string, unknown>; end: number } | { error: string; offset: number };

const WORDS: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };

/** Parses `(key=value, ...)` starting at the `(` at `start`; `end` is just past the `)`. */
export function parseAttrs(text: string, start: number): AttrsParse {
  const attrs: Record<string, unknown> = {};
  let i = skipSpaces(text, start + 1);
  while (text.charCodeAt(i) !== 41 /* ) */) {
    const keyStart = i;
    while (i < text.length && /\w/.test(text[i])) i++;
    if (i === keyStart) return { error: 'expected an attribute name', offset: i };
    const key = text.slice(keyStart, i);
    i = skipSpaces(text, i);
    if (text[i] !== '=') return { error: `expected '=' after ${key}`, offset: i };
    const value = parseValue(text, skipSpaces(text, i + 1));
    if ('error' in value) return value;
    attrs[key] = value.value;
    i = skipSpaces(text, value.end);
    if (text[i] === ',') i = skipSpaces(text, i + 1);
    else if (text[i] !== ')') return { error: "expected ',' or ')' after an attribute", offset: i };
  }
  return { value: attrs, end: i + 1 };
}

type ValueParse = { value: unknown; end: number } | { error: string; offset: number };

function parseValue(text: string, i: number): ValueParse {
  const c = text[i];
  if (c === '(' || c === '[') return parseSequence(text, i, c === '(' ? ')' : ']');
  if (c === "'" || c === '"') return parseString(text, i);
  let end = i;
  while (end < text.length && /[\w.+-]/.test(text[end])) end++;
  const word = text.slice(i, end);
  if (word in WORDS) return { value: WORDS[word], end };
  const num = Number(word);
  if (word && Number.isFinite(num)) return { value: num, end };
  return { error: word ? `not a value: ${word}` : 'expected a value', offset: i };
}

function parseSequence(text: string, start: number, close: string): ValueParse {
  const items: unknown[] = [];
  let i = skipSpaces(text, start + 1);
  while (text[i] !== close) {
    const item = parseValue(text, i);
    if ('error' in item) return item;
    items.push(item.value);
    i = skipSpaces(text, item.end);
    if (text[i] === ',') i = skipSpaces(text, i + 1);
    else if (text[i] !== close) return { error: `expected ',' or '${close}'`, offset: i };
  }
  return { value: items, end: i + 1 };
}

function parseString(text: string, start: number): ValueParse {
  const quote = text[start];
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return { value: out, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) out += text[++i];
    else out += c;
  }
  return { error: 'unterminated string', offset: start };
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

/** Python literal spelling, as torch's module repr shows it. */
export function formatAttrValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonFloatRepr(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value))
    return value.length === 1 ? `(${formatAttrValue(value[0])},)` : `(${value.map(formatAttrValue).join(', ')})`;
  return `'${String(value)}'`;
}

/** Python's repr switches to exponent form below 1e-4 (`1e-05`, not JS's `0.00001`). */
function pythonFloatRepr(value: number): string {
  if (value === 0 || Math.abs(value) >= 1e-4 || !Number.isFinite(value)) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(2, '0')}`;
}
