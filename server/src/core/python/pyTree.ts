// Helpers over @lezer/python trees. Lezer flattens comma lists (`a, b = 1, 2` is one
// AssignStatement with six children), so most callers first split children at tokens.
import { NodeType, Tree, type SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { statementChunks } from './pyChunks.ts';

export interface ParsedPython {
  tree: Tree;
  /** top-level statements, in order */
  statements: SyntaxNode[];
}

/**
 * Parses in chunks of top-level statements. @lezer/lr force-reduces after ~300 "big" reductions
 * with one start position, and in Python that happens to a run of statements separated by blank
 * or comment lines: from a few KB on, valid code then gets spurious errors. Chunks stay below
 * that; their trees (positions relative to the chunk) hang under one tree at their offsets.
 */
export function parsePython(text: string): ParsedPython {
  const ranges = statementChunks(text);
  if (ranges.length === 1) {
    const tree = parser.parse(text);
    return { tree, statements: kids(tree.topNode) };
  }
  const trees = ranges.map((range) => parser.parse(text, undefined, [range]));
  const tree = new Tree(
    NodeType.none,
    trees,
    ranges.map((r) => r.from),
    text.length,
  );
  return { tree, statements: kids(tree.topNode).flatMap((chunk) => kids(chunk)) };
}

/** Children, without comments. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

/** Inner children of a bracketed node (`(`…`)`, `[`…`]`, `{`…`}`), brackets dropped. */
export function innerKids(node: SyntaxNode): SyntaxNode[] {
  const all = kids(node);
  const open = ['(', '[', '{'];
  const close = [')', ']', '}'];
  const start = all.length && open.includes(all[0].name) ? 1 : 0;
  const end = all.length > start && close.includes(all[all.length - 1].name) ? all.length - 1 : all.length;
  return all.slice(start, end);
}

export interface CommaSplit {
  groups: SyntaxNode[][];
  /** a comma was present (so a lone item is a 1-tuple) */
  comma: boolean;
}

export function splitAt(nodes: SyntaxNode[], separator: string): CommaSplit {
  const groups: SyntaxNode[][] = [[]];
  let comma = false;
  for (const n of nodes) {
    if (n.name === separator) {
      comma = true;
      groups.push([]);
    } else groups[groups.length - 1].push(n);
  }
  return { groups: groups.filter((g) => g.length > 0), comma };
}

export function isErrorNode(node: SyntaxNode): boolean {
  return node.type.isError;
}

/** Error nodes, each with the text it covers (zero-width errors widened to one char). */
export function syntaxErrors(parsed: ParsedPython, textLength: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  parsed.tree.iterate({
    enter(n) {
      if (!n.type.isError) return true;
      // `0.` is valid Python that lezer cannot tokenize; pyNumberFix reads it as a float.
      if (n.from === n.to && n.node.parent?.name === 'MemberExpression' && n.node.parent.firstChild?.name === 'Number')
        return false;
      const from = Math.min(n.from, Math.max(textLength - 1, 0));
      out.push({ from, to: Math.max(n.to, Math.min(from + 1, textLength)) });
      return false;
    },
  });
  return out;
}

/** Expression nodes of a group, skipping tokens such as `*` that callers look at separately. */
export function firstExpr(group: SyntaxNode[]): SyntaxNode | undefined {
  return group.find((n) => !isErrorNode(n) && n.name !== '*' && n.name !== '**');
}
