// One Python config file, in either style: text style (`_base_ = …`, the file runs with
// `_base_` bound to its merged bases, then is merged over them) or lazy-import style
// (`with read_base(): from .x import *`, base names bound directly, no merge).
import type { SyntaxNode } from '@lezer/common';
import { PyUnresolved, type Span } from '../pyvalue.ts';
import { ConfigDict, toConfigDict } from '../python/configDict.ts';
import { Codes, type DiagnosticSink } from '../python/diagnostics.ts';
import { PyContext, type Binding, type ModuleExports } from '../python/pyContext.ts';
import { evalExpr } from '../python/pyEval.ts';
import { execBody } from '../python/pyExec.ts';
import { isLazyImportStyle } from '../python/pyImports.ts';
import { kids, parsePython, syntaxErrors, type ParsedPython } from '../python/pyTree.ts';
import { bracketOverflow } from '../python/pyChunks.ts';
import { SourceMap } from '../python/sourceMap.ts';
import { BudgetExceeded, TooDeep, type Budget } from '../python/budget.ts';
import { substitute, type Substituted } from './substitute.ts';
import { baseRefs, finishTextStyle, type BaseRef } from './textStyle.ts';

/** What the chain loader offers a file while it is evaluated. */
export interface ChainApi {
  readonly sink: DiagnosticSink;
  /** the analysis' budget, shared by every file of the chain */
  readonly budget: Budget;
  readonly env?: Record<string, string | undefined>;
  loadBases(file: string, refs: BaseRef[]): ConfigDict;
  importBase(file: string, spec: string, span: Span): ModuleExports | undefined;
}

export interface FileOutcome {
  dict: ConfigDict;
  /** names bound by imports; visible to `from <this> import *` but not config keys */
  imports: Map<string, Binding>;
  lazy: boolean;
}

function isBaseAssign(text: string, stmt: SyntaxNode): boolean {
  const [first, op] = kids(stmt);
  return (
    stmt.name === 'AssignStatement' &&
    first?.name === 'VariableName' &&
    op?.name === 'AssignOp' &&
    text.slice(first.from, first.to) === '_base_'
  );
}

/**
 * Python refuses source with NUL bytes, and rejects non-printable characters outside strings.
 * Binary files are therefore not configs, and not worth parsing: lezer's error recovery on
 * them takes seconds per 100 KB.
 */
function binaryProblem(text: string): string | undefined {
  const nul = text.indexOf('\0');
  if (nul >= 0) return 'SyntaxError: source code cannot contain null bytes';
  const control = text.match(/[\x01-\x08\x0e-\x1f\x7f]/g)?.length ?? 0;
  return control > 16 && control > text.length / 200 ? 'This file is binary, not Python source.' : undefined;
}

function reportSyntax(text: string, map: SourceMap, tree: ParsedPython, sink: DiagnosticSink): void {
  // Past CPython's bracket limit the parser's own recovery reports dozens of errors at one place;
  // Python stops at the first, with its own message.
  const overflow = bracketOverflow(text);
  const errors = syntaxErrors(tree, text.length).filter((e) => overflow === undefined || e.from < overflow);
  for (const e of errors.slice(0, 20)) {
    const near = text.slice(e.from, e.to).trim().slice(0, 20);
    sink.error(Codes.syntax, `SyntaxError: invalid syntax${near ? ` near '${near}'` : ''}`, map.span(e.from, e.to));
  }
  if (overflow !== undefined && errors.length < 20)
    sink.error(
      Codes.syntax,
      'SyntaxError: too many nested parentheses (MMEngine would fail to load this config).',
      map.span(overflow, overflow + 1),
    );
}

/** Top-level data names, as `{k: v for k, v in globals() if not k.startswith('__')}` minus modules and functions. */
function exportGlobals(ctx: PyContext): FileOutcome {
  const dict = new ConfigDict();
  const imports = new Map<string, Binding>();
  for (const [name, b] of ctx.globals) {
    if (name.startsWith('__') || b.kind === 'base' || b.kind === 'function') continue;
    if (b.kind === 'import' || b.kind === 'module') imports.set(name, b);
    else dict.set(name, exportValue(ctx, name, b), b.keySpan, b.valueSpan);
  }
  return { dict, imports, lazy: false };
}

/**
 * The ConfigDict copy of one top-level value. Evaluation shares structure (`[x, x]` holds `x`
 * twice, not two copies); this copy is where a shared structure becomes a tree, as in MMEngine,
 * so this is where an innocent-looking value can blow the budget or the depth limit.
 */
function exportValue(ctx: PyContext, name: string, b: Binding) {
  const at = b.valueSpan ?? b.keySpan;
  try {
    return toConfigDict(b.value, ctx.budget);
  } catch (e) {
    if (e instanceof BudgetExceeded) e.span ??= at;
    if (!(e instanceof TooDeep)) throw e;
    const depth = ctx.budget.limits.depth;
    const reason = `nested deeper than ${depth} levels or contains itself; Paramwise does not evaluate it`;
    ctx.sink.warning(Codes.tooDeep, `\`${name}\` is ${reason}.`, at);
    return new PyUnresolved(name, reason, at);
  }
}

function runText(
  api: ChainApi,
  file: string,
  text: string,
  tree: ParsedPython,
  sub: Substituted | undefined,
): FileOutcome {
  const map = sub?.map ?? new SourceMap(file);
  for (const m of sub?.missingEnv ?? []) {
    const message = `KeyError: \`${m.varName}\` cannot be found in \`os.environ\`. Please set \`${m.varName}\` in environment or give a default value.`;
    api.sink.error(Codes.envMissing, message, { file, start: m.start, end: m.end });
  }
  reportSyntax(text, map, tree, api.sink);
  const statements = tree.statements;
  const baseStmt = statements.find((s) => isBaseAssign(text, s));
  let refs: BaseRef[] = [];
  if (baseStmt) {
    const valueNode = kids(baseStmt)[2];
    // Config._get_base_files evaluates the first `_base_ = …` on its own, with no names in scope.
    if (valueNode)
      refs = baseRefs(
        evalExpr(new PyContext(text, map, api.sink, {}, api.budget), valueNode),
        map.span(valueNode.from, valueNode.to),
        api.sink,
      );
  }
  const base = api.loadBases(file, refs);
  const ctx = new PyContext(text, map, api.sink, {}, api.budget);
  ctx.skipBaseAssign = true;
  ctx.globals.set('_base_', { value: base, kind: 'base' });
  execBody(ctx, statements);
  const own = exportGlobals(ctx);
  const dict = finishTextStyle(
    { file, cfg: own.dict, base, baseVars: sub?.baseVars ?? new Map() },
    api.sink,
    api.budget,
  );
  return { dict, imports: own.imports, lazy: false };
}

function runLazy(api: ChainApi, file: string, text: string, statements: SyntaxNode[], asBase: boolean): FileOutcome {
  const map = new SourceMap(file);
  for (const stmt of statements) {
    if (!isBaseAssign(text, stmt)) continue;
    api.sink.error(
      Codes.styleMix,
      'ConfigParsingError: The configuration file type in the inheritance chain must match the current configuration file type, ' +
        'either "lazy_import" or non-"lazy_import". Use `with read_base():` to mark inherited configs in this file' +
        (asBase ? ', which is imported by a "lazy_import" config.' : '.'),
      map.span(stmt.from, stmt.to),
    );
  }
  const ctx = new PyContext(
    text,
    map,
    api.sink,
    { importBase: (spec, span) => api.importBase(file, spec, span) },
    api.budget,
  );
  ctx.lazy = true;
  execBody(ctx, statements);
  return { ...exportGlobals(ctx), lazy: true };
}

/**
 * The parse tree, or undefined when the parser itself overflows the JS stack, which only
 * thousands of nested brackets make it do. CPython refuses such a file at its 201st bracket.
 */
function parseOrRefuse(text: string, file: string, { sink, budget }: ChainApi): ParsedPython | undefined {
  try {
    return budget.untimed(() => parsePython(text));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const at = bracketOverflow(text) ?? 0;
    sink.error(Codes.syntax, 'SyntaxError: too many nested parentheses (MMEngine would fail to load this config).', {
      file,
      start: at,
      end: Math.min(at + 1, text.length),
    });
    return undefined;
  }
}

/** Loads a .py config; `asLazyBase` when a lazy-import config imports it from read_base(). */
export function loadPythonFile(api: ChainApi, file: string, content: string, asLazyBase: boolean): FileOutcome {
  const binary = binaryProblem(content);
  if (binary) {
    api.sink.error(Codes.syntax, binary, { file, start: 0, end: Math.min(content.length, 1) });
    return { dict: new ConfigDict(), imports: new Map(), lazy: false };
  }
  // Text-style files are read after MMEngine's `{{…}}` substitution; lazy-import ones are not.
  let sub = content.includes('{{') ? substitute(file, content, api.env) : undefined;
  let text = sub?.text ?? content;
  let tree = parseOrRefuse(text, file, api);
  if (!tree) return { dict: new ConfigDict(), imports: new Map(), lazy: false };
  const lazy = asLazyBase || isLazyImportStyle({ text }, tree.statements);
  if (!lazy) return runText(api, file, text, tree, sub);
  if (sub) {
    sub = undefined;
    text = content;
    tree = parseOrRefuse(text, file, api);
    if (!tree) return { dict: new ConfigDict(), imports: new Map(), lazy: true };
  }
  reportSyntax(text, new SourceMap(file), tree, api.sink);
  return runLazy(api, file, text, tree.statements, asLazyBase);
}
