// Imports and `with read_base():`. Inside read_base (and for any relative import) the
// module is a base config whose names are bound into this file (new, "lazy import" style);
// other imports bind references (`from torch.optim import AdamW` -> PyRef('AdamW')) that
// are never followed, since the core executes no user code.
import type { SyntaxNode } from '@lezer/common';
import { PyError, PyUnresolved } from '../pyvalue.ts';
import { makeRef, type ModuleExports, type PyContext } from './pyContext.ts';
import { kids, splitAt } from './pyTree.ts';
import { Codes } from './diagnostics.ts';

export interface ImportInfo {
  from: boolean;
  level: number;
  module: string;
  /** [name, alias] pairs; undefined for `import *` */
  names?: { name: string; alias: string; node: SyntaxNode }[];
  /** span of the `..a.b` module text, for go-to-definition */
  moduleNode?: { from: number; to: number };
}

function textOf(ctx: { text: string }, n: SyntaxNode): string {
  return ctx.text.slice(n.from, n.to);
}

export function parseImport(ctx: { text: string }, node: SyntaxNode): ImportInfo | undefined {
  const parts = kids(node).filter((n) => n.name !== '(' && n.name !== ')');
  if (parts[0]?.name !== 'from') return { from: false, level: 0, module: '', names: dottedNames(ctx, parts.slice(1)) };
  const importAt = parts.findIndex((n) => n.name === 'import');
  if (importAt < 0) return undefined;
  const head = parts.slice(1, importAt);
  const firstName = head.findIndex((n) => n.name === 'VariableName');
  let level = 0;
  for (const n of firstName < 0 ? head : head.slice(0, firstName)) level += textOf(ctx, n).length;
  const moduleParts = firstName < 0 ? [] : head.slice(firstName);
  const module = moduleParts.map((n) => textOf(ctx, n)).join('');
  const tail = parts.slice(importAt + 1);
  const info: ImportInfo = {
    from: true,
    level,
    module,
    moduleNode: head.length ? { from: head[0].from, to: head[head.length - 1].to } : undefined,
  };
  if (tail[0]?.name !== '*') info.names = dottedNames(ctx, tail);
  return info;
}

function dottedNames(ctx: { text: string }, nodes: SyntaxNode[]): ImportInfo['names'] {
  return splitAt(nodes, ',').groups.map((g) => {
    const asAt = g.findIndex((n) => n.name === 'as');
    const nameNodes = asAt < 0 ? g : g.slice(0, asAt);
    const name = nameNodes.map((n) => textOf(ctx, n)).join('');
    const aliasNode = asAt < 0 ? undefined : g[asAt + 1];
    return { name, alias: aliasNode ? textOf(ctx, aliasNode) : name, node: aliasNode ?? nameNodes[0] };
  });
}

/** Binds what `from <base> import …` yields; a base that failed to load leaves names unresolved. */
function bindBaseImport(ctx: PyContext, node: SyntaxNode, info: ImportInfo, exports: ModuleExports | undefined): void {
  const spec = '.'.repeat(info.level) + info.module;
  if (!info.names) {
    if (!exports) {
      ctx.opaqueStar = true;
      return;
    }
    for (const [k, v] of exports.dict.items) {
      ctx.bind(k, {
        value: v,
        kind: 'data',
        keySpan: exports.dict.keySpans.get(k),
        valueSpan: exports.dict.valueSpans.get(k),
      });
    }
    for (const [k, b] of exports.imports) ctx.bind(k, b);
    return;
  }
  for (const { name, alias, node: at } of info.names) {
    if (!exports) {
      ctx.bind(alias, {
        value: new PyUnresolved(name, `base config '${spec}' could not be loaded`, ctx.span(at)),
        kind: 'data',
      });
      continue;
    }
    const imported = exports.imports.get(name);
    if (imported) ctx.bind(alias, imported);
    else if (exports.dict.has(name)) {
      ctx.bind(alias, {
        value: exports.dict.get(name) ?? null,
        kind: 'data',
        keySpan: ctx.span(at),
        valueSpan: exports.dict.valueSpans.get(name),
      });
    } else ctx.pythonError(node, new PyError('ImportError', `cannot import name '${name}' from '${spec}'`));
  }
}

export function execImport(ctx: PyContext, node: SyntaxNode): void {
  const info = parseImport(ctx, node);
  if (!info) return;
  if (!info.from) {
    for (const { name, alias, node: at } of info.names ?? []) {
      // `import a.b` binds `a`; `import a.b as c` binds c to a.b.
      const bound = alias === name ? name.split('.')[0] : name;
      ctx.bind(alias === name ? bound : alias, { value: makeRef(bound, ctx.span(at)), kind: 'module' });
    }
    return;
  }
  if (info.level > 0 || ctx.inReadBase) {
    const spec = '.'.repeat(info.level) + info.module;
    const span = info.moduleNode ? ctx.map.span(info.moduleNode.from, info.moduleNode.to) : ctx.span(node);
    bindBaseImport(ctx, node, info, ctx.hooks.importBase?.(spec, span));
    return;
  }
  if (!info.names) {
    ctx.opaqueStar = true;
    return;
  }
  for (const { name, alias, node: at } of info.names) {
    ctx.bind(alias, { value: makeRef(`${info.module}.${name}`, ctx.span(at)), kind: 'import' });
  }
}

function isReadBase(ctx: PyContext, expr: SyntaxNode | undefined): boolean {
  if (expr?.name !== 'CallExpression') return false;
  const callee = kids(expr)[0];
  return !!callee && /(^|\.)read_base$/.test(ctx.text.slice(callee.from, callee.to));
}

export function execWith(ctx: PyContext, node: SyntaxNode, runBody: (body: SyntaxNode) => void): void {
  const parts = kids(node);
  const body = parts.find((n) => n.name === 'Body');
  if (!body) return;
  if (!isReadBase(ctx, parts[1])) {
    // Text-style files run other `with` blocks as Python does; lazy-import ones may not have them.
    if (ctx.lazy)
      ctx.sink.error(
        Codes.styleMix,
        'ConfigParsingError: Only `read_base` context manager can be used in the config.',
        ctx.span(node),
      );
    else runBody(body);
    return;
  }
  ctx.inReadBase = true;
  try {
    runBody(body);
  } finally {
    ctx.inReadBase = false;
  }
}

// Modules MMEngine treats as builtin (`_is_builtin_module`): importing them keeps a text-style file text-style.
const STDLIB = new Set([
  'os',
  'sys',
  'math',
  'copy',
  're',
  'json',
  'collections',
  'functools',
  'itertools',
  'typing',
  'warnings',
  'datetime',
  'pathlib',
  'random',
  'time',
  'string',
  'platform',
  'abc',
  'enum',
  'numbers',
  'operator',
  'io',
  'glob',
  'shutil',
  'tempfile',
  'uuid',
  'logging',
  'dataclasses',
  'inspect',
  'types',
  'argparse',
  'contextlib',
]);

/** `Config._is_lazy_import`, over top-level statements in order. */
export function isLazyImportStyle(ctx: { text: string }, statements: SyntaxNode[]): boolean {
  for (const stmt of statements) {
    if (stmt.name === 'AssignStatement') {
      const first = kids(stmt)[0];
      if (first?.name === 'VariableName' && textOf(ctx, first) === '_base_' && kids(stmt)[1]?.name === 'AssignOp')
        return false;
    }
    if (stmt.name === 'WithStatement') return true;
    if (stmt.name !== 'ImportStatement') continue;
    const info = parseImport(ctx, stmt);
    if (!info) continue;
    if (info.from && info.level > 0) return true;
    if (info.from && info.module === 'mmengine' && info.names?.length === 1 && info.names[0].name === 'Config')
      continue;
    const modules = info.from ? [info.module] : (info.names ?? []).map((n) => n.name);
    if (modules.some((m) => !STDLIB.has(m.split('.')[0]))) return true;
  }
  return false;
}
