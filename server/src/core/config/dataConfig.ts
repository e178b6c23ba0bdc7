// JSON and YAML configs, read into the same value model as Python ones. Both are loaded by
// MMEngine through `json.load` / PyYAML, so ints and floats follow those readers: JSON by the
// token's text, YAML by YAML 1.1 rules with PyYAML's stricter float pattern.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { jsonToPy } from '../json/pyJson.ts';
import { PyDict, PyList, PyUnresolved, type PyValue } from '../pyvalue.ts';
import { Codes, type DiagnosticSink } from '../python/diagnostics.ts';
import type { SourceMap } from '../python/sourceMap.ts';

function rootDict(v: PyValue | undefined, map: SourceMap, sink: DiagnosticSink): PyDict | undefined {
  if (v instanceof PyDict) return v;
  if (v !== undefined) sink.error(Codes.syntax, 'The top level of a config file must be a mapping.', map.span(0, 0));
  return undefined;
}

export function parseJsonConfig(text: string, map: SourceMap, sink: DiagnosticSink): PyDict | undefined {
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    for (const e of errors.slice(0, 20)) {
      sink.error(
        Codes.syntax,
        `JSONDecodeError: ${printParseErrorCode(e.error)}`,
        map.span(e.offset, e.offset + Math.max(e.length, 1)),
      );
    }
    return root
      ? rootDict(
          jsonToPy(root, text, (start, end) => map.span(start, end)),
          map,
          sink,
        )
      : undefined;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    sink.error(Codes.syntax, 'JSON nested too deeply to read.', map.span(0, 0));
    return undefined;
  }
}

// PyYAML's float resolver: a dot is required and an exponent needs its sign, so `1e-4` is a str.
const PYYAML_FLOAT =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

class YamlReader {
  constructor(
    private readonly doc: Document,
    private readonly map: SourceMap,
    private readonly sink: DiagnosticSink,
  ) {}

  private span(range: [number, number, number] | null | undefined) {
    return range ? this.map.span(range[0], range[1]) : undefined;
  }

  read(node: unknown, depth = 0): PyValue {
    if (depth > 200) return new PyUnresolved('…', 'YAML nested too deeply');
    if (isAlias(node)) return this.read(node.resolve(this.doc), depth + 1);
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      const l = new PyList(node.items.map((x) => this.read(x, depth + 1)));
      l.itemSpans = node.items.map((x) => this.span((x as { range?: [number, number, number] }).range));
      l.span = this.span(node.range);
      return l;
    }
    if (isMap(node)) return this.mapping(node, depth);
    return null;
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

export function parseYamlConfig(text: string, map: SourceMap, sink: DiagnosticSink): PyDict | undefined {
  try {
    const doc = parseDocument(text, {
      intAsBigInt: true,
      version: '1.1',
      merge: true,
      uniqueKeys: false,
      prettyErrors: false,
    });
    for (const e of doc.errors.slice(0, 20)) {
      sink.error(
        Codes.syntax,
        `YAMLError: ${e.message.split('\n')[0]}`,
        map.span(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
      );
    }
    if (doc.contents === null) return new PyDict();
    return rootDict(new YamlReader(doc, map, sink).read(doc.contents), map, sink);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    sink.error(Codes.syntax, 'YAML nested too deeply to read.', map.span(0, 0));
    return undefined;
  }
}
