// JSON into PyValues the way Python's json module reads it: `1` is an int, `1.0` a float,
// and every dict/list child keeps the span it was written at.

import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { PyDict, PyList, type PyValue, type Span } from '../pyvalue.ts';

export interface PyJsonResult {
  value: PyValue;
  errors: { message: string; span: Span }[];
}

export function parsePyJson(text: string, file = '', allowComments = false): PyJsonResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: !allowComments, allowTrailingComma: allowComments });
  return {
    value: root ? toPy(root, text, file) : null,
    errors: errors.map((e) => ({ message: printParseErrorCode(e.error), span: { file, start: e.offset, end: e.offset + Math.max(1, e.length) } })),
  };
}

function toPy(node: Node, text: string, file: string): PyValue {
  switch (node.type) {
    case 'object': {
      const d = new PyDict();
      d.span = spanOf(node, file);
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (!keyNode) continue;
        d.set(String(keyNode.value), valueNode ? toPy(valueNode, text, file) : null, spanOf(keyNode, file), valueNode && spanOf(valueNode, file));
      }
      return d;
    }
    case 'array': {
      const children = node.children ?? [];
      const l = new PyList(children.map((c) => toPy(c, text, file)));
      l.itemSpans = children.map((c) => spanOf(c, file));
      l.span = spanOf(node, file);
      return l;
    }
    case 'number': {
      const raw = text.slice(node.offset, node.offset + node.length);
      return /^-?\d+$/.test(raw) ? BigInt(raw) : (node.value as number);
    }
    case 'string':
    case 'boolean':
      return node.value as string | boolean;
    default:
      return null;
  }
}

const spanOf = (n: Node, file: string): Span => ({ file, start: n.offset, end: n.offset + n.length });
