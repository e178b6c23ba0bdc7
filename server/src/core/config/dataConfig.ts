// JSON and YAML configs, read into the same value model as Python ones. Both are loaded by
// MMEngine through `json.load` / PyYAML, so ints and floats follow those readers: JSON by the
// token's text, YAML by YAML 1.1 rules with PyYAML's stricter float pattern.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { jsonToPy } from '../json/pyJson.ts';
import { PyDict, PyList, PyUnresolved, type PyValue } from '../pyvalue.ts';
import { Codes, type DiagnosticSink } from '../python/diagnostics.ts';
import type { SourceMap } from '../python/sourceMap.ts';
import type { Budget } from '../python/budget.ts';

function rootDict(v: PyValue | undefined, map: SourceMap, sink: DiagnosticSink): PyDict | undefined {
  if (v instanceof PyDict) return v;
  if (v !== undefined) sink.error(Codes.syntax, 'The top level of a config file must be a mapping.', map.span(0, 0));
  return undefined;
}

/**
 * Where the text first nests deeper than `limit` (an offset), or undefined. The JSON and YAML
 * parsers recurse once per level and overflow the JS stack somewhere past ten thousand levels
 * (the YAML one even reports that as a YAML error), so depth is measured before parsing: flow
 * brackets outside JSON strings, and for YAML also block indentation levels and `- ` markers.
 * For YAML this is an estimate (quotes are not followed), wrong only for text no config has.
 */
export function nestingTooDeep(text: string, yaml: boolean, limit: number): number | undefined {
  let flow = 0;
  let inString = false;
  const indents: number[] = [];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (yaml && lineStart && flow === 0) {
      lineStart = false;
      let j = i;
      while (text[j] === ' ') j++;
      if (text[j] === '\n' || text[j] === '\r' || text[j] === '#' || j >= text.length) {
        i = j - 1;
        continue;
      }
      while (indents.length && indents[indents.length - 1] >= j - i) indents.pop();
      indents.push(j - i);
      // `- - - x`: each marker opens one more level on the same line.
      if (indents.length > limit) return j;
      while (text[j] === '-' && text[j + 1] === ' ') {
        indents.push(j - i + 2);
        if (indents.length > limit) return j;
        j += 2;
        while (text[j] === ' ') j++;
      }
      i = j - 1;
      continue;
    }
    if (c === '\n') lineStart = true;
    else if (c === '"' && !yaml) inString = true;
    else if (c === '#' && yaml && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++flow + indents.length > limit) return i;
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
  }
  return undefined;
}

function reportTooDeep(text: string, yaml: boolean, map: SourceMap, sink: DiagnosticSink, budget: Budget): boolean {
  const at = nestingTooDeep(text, yaml, budget.limits.depth);
  if (at === undefined) return false;
  sink.error(Codes.tooDeep, `This ${yaml ? 'YAML' : 'JSON'} is ${budget.tooDeep()}.`, map.span(at, at + 1));
  return true;
}

export function parseJsonConfig(
  text: string,
  map: SourceMap,
  sink: DiagnosticSink,
  budget: Budget,
): PyDict | undefined {
  if (reportTooDeep(text, false, map, sink, budget)) return undefined;
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = budget.untimed(() => parseTree(text, errors, { disallowComments: true, allowTrailingComma: false }));
    for (const e of errors.slice(0, 20)) {
      sink.error(
        Codes.syntax,
        `JSONDecodeError: ${printParseErrorCode(e.error)}`,
        map.span(e.offset, e.offset + Math.max(e.length, 1)),
      );
    }
    if (!root) return undefined;
    const value = jsonToPy(root, text, (start, end) => map.span(start, end));
    return rootDict(value, map, sink);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    sink.error(
      Codes.tooDeep,
      'This JSON is too deeply nested to read; Paramwise does not evaluate it.',
      map.span(0, 0),
    );
    return undefined;
  }
}

// PyYAML's float resolver: a dot is required and an exponent needs its sign, so `1e-4` is a str.
const PYYAML_FLOAT =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

class YamlReader {
  /** What each alias target read as: PyYAML gives every alias the anchor's own object. */
  private readonly anchors = new Map<unknown, PyValue>();
  private tooDeepReported = false;

  constructor(
    private readonly doc: Document,
    private readonly map: SourceMap,
    private readonly sink: DiagnosticSink,
    private readonly budget: Budget,
  ) {}

  private span(range: [number, number, number] | null | undefined) {
    return range ? this.map.span(range[0], range[1]) : undefined;
  }

  read(node: unknown, depth = 0): PyValue {
    if (depth > this.budget.limits.depth) return this.tooDeep(node);
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (this.anchors.has(target)) return this.anchors.get(target) as PyValue;
      const v = this.read(target, depth + 1);
      this.anchors.set(target, v);
      return v;
    }
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      this.budget.allocate(node.items.length);
      const l = new PyList(node.items.map((x) => this.read(x, depth + 1)));
      l.itemSpans = node.items.map((x) => this.span((x as { range?: [number, number, number] }).range));
      l.span = this.span(node.range);
      return l;
    }
    if (isMap(node)) return this.mapping(node, depth);
    return null;
  }

  /** Aliases can nest what the text does not (an anchor inside its own alias): one diagnostic. */
  private tooDeep(node: unknown): PyValue {
    const span = this.span((node as { range?: [number, number, number] } | null)?.range);
    if (!this.tooDeepReported) this.sink.error(Codes.tooDeep, `This YAML is ${this.budget.tooDeep()}.`, span);
    this.tooDeepReported = true;
    return new PyUnresolved('…', this.budget.tooDeep(), span);
  }

  private scalar(node: import('yaml').Scalar): PyValue {
    const v = node.value;
    const source = node.source;
    // With intAsBigInt a JS number is a float; PyYAML would have read some of these as str.
    if (typeof v === 'number' && node.type === 'PLAIN' && typeof source === 'string' && !PYYAML_FLOAT.test(source)) {
      this.sink.warning(
        Codes.yamlFloatString,
        `PyYAML reads \`${source}\` as the string '${source}', not a float: YAML 1.1 floats need a dot and a signed exponent (write 1.0e-4).`,
        this.span(node.range),
      );
      return source;
    }
    if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === null || v === undefined) return null;
    return typeof source === 'string' ? source : String(v);
  }

  private mapping(node: import('yaml').YAMLMap, depth: number): PyDict {
    this.budget.allocate(node.items.length);
    const d = new PyDict();
    d.span = this.span(node.range);
    for (const pair of node.items) {
      const key = pair.key as { value?: unknown; source?: string; range?: [number, number, number] } | null;
      const keyText = isScalar(key) ? (key.source ?? String(key.value)) : undefined;
      if (keyText === '<<') {
        this.mergeInto(d, this.read(pair.value, depth + 1));
        continue;
      }
      const name = isScalar(key) ? (key.value === null ? 'None' : String(key.value)) : 'None';
      d.set(
        name,
        this.read(pair.value, depth + 1),
        this.span(key?.range),
        this.span((pair.value as { range?: [number, number, number] } | null)?.range),
      );
    }
    return d;
  }

  /** `<<: *anchor` (or a list of anchors): keys written in the map itself win. */
  private mergeInto(target: PyDict, src: PyValue): void {
    const sources = src instanceof PyList ? src.items : [src];
    for (const s of sources) {
      if (!(s instanceof PyDict)) continue;
      for (const [k, v] of s.items) if (!target.has(k)) target.set(k, v, s.keySpans.get(k), s.valueSpans.get(k));
    }
  }
}

export function parseYamlConfig(
  text: string,
  map: SourceMap,
  sink: DiagnosticSink,
  budget: Budget,
): PyDict | undefined {
  if (reportTooDeep(text, true, map, sink, budget)) return undefined;
  try {
    const doc = budget.untimed(() =>
      parseDocument(text, {
        intAsBigInt: true,
        version: '1.1',
        merge: true,
        uniqueKeys: false,
        prettyErrors: false,
      }),
    );
    for (const e of doc.errors.slice(0, 20)) {
      sink.error(
        Codes.syntax,
        `YAMLError: ${e.message.split('\n')[0]}`,
        map.span(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
      );
    }
    if (doc.contents === null) return new PyDict();
    return rootDict(new YamlReader(doc, map, sink, budget).read(doc.contents), map, sink);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    sink.error(
      Codes.tooDeep,
      'This YAML is too deeply nested to read; Paramwise does not evaluate it.',
      map.span(0, 0),
    );
    return undefined;
  }
}
