// JSON into PyValues the way Python's json module reads it: `1` is an int, `1.0` a float,
// keys keep their written order, and every dict/list child keeps the span it was written at.
// This is the one JSON -> PyValue conversion: JSON configs (config/dataConfig.ts) use it with
// spans mapped back through the `{{…}}` substitution, everything else with the raw offsets.

import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { PyDict, PyList, type PyValue, type Span } from '../pyvalue.ts';

/** Where the text range [start, end) of the parsed text was written. */
export type SpanOf = (start: number, end: number) => Span;

export interface PyJsonResult {
  value: PyValue;
  errors: { message: string; span: Span }[];
}

export function parsePyJson(text: string, file = '', allowComments = false): PyJsonResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: !allowComments, allowTrailingComma: allowComments });
  const span: SpanOf = (start, end) => ({ file, start, end });
  return {
    value: root ? jsonToPy(root, text, span) : null,
    errors: errors.map((e) => ({
      message: printParseErrorCode(e.error),
      span: span(e.offset, e.offset + Math.max(1, e.length)),
    })),
  };
}

/**
 * A jsonc-parser tree as PyValues. `text` is what was parsed (for the int/float decision, made on
 * the token as json.load makes it), `span` places each node. A `null` token, and anything the
 * parser could not read (error recovery), is None.
 */
export function jsonToPy(node: Node, text: string, span: SpanOf): PyValue {
  const at = (n: Node) => span(n.offset, n.offset + n.length);
  switch (node.type) {
    case 'object': {
      const d = new PyDict();
      d.span = at(node);
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        // jsonc-parser only makes a property from a string key; the check keeps that an invariant.
        if (!keyNode || typeof keyNode.value !== 'string') continue;
        d.set(
          keyNode.value,
          valueNode ? jsonToPy(valueNode, text, span) : null,
          at(keyNode),
          valueNode && at(valueNode),
        );
      }
      return d;
    }
    case 'array': {
      const children = node.children ?? [];
      const l = new PyList(children.map((c) => jsonToPy(c, text, span)));
      l.itemSpans = children.map(at);
      l.span = at(node);
      return l;
    }
    case 'number': {
      // json.load gives an int exactly when the token has no fraction or exponent.
      const raw = text.slice(node.offset, node.offset + node.length);
      return /^-?\d+$/.test(raw) ? BigInt(raw) : Number(node.value);
    }
    case 'string':
    case 'boolean':
      return node.value as string | boolean;
    default:
      return null;
  }
}
