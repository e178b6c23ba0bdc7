// State of one Python config file while it is being evaluated: its names, where each came
// from, and how problems are reported. Evaluation never throws out of the core; every
// failure becomes a PyUnresolved value plus one diagnostic at the innermost cause.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyRef, PyUnresolved, type PyValue, type Span } from '../pyvalue.ts';
import type { SourceMap } from './sourceMap.ts';
import { Codes, type DiagnosticSink } from './diagnostics.ts';
import { Budget } from './budget.ts';

/** data: a config value; import/module: bound by an import; function: def/class/lambda. */
export type BindingKind = 'data' | 'import' | 'module' | 'function' | 'base';

export interface Binding {
  value: PyValue;
  kind: BindingKind;
  keySpan?: Span;
  valueSpan?: Span;
}

/** What a `with read_base(): from .x import …` yields: the base file's names. */
export interface ModuleExports {
  dict: PyDict;
  imports: Map<string, Binding>;
}

export interface ContextHooks {
  /** load the base config module behind `from <module> import …` inside read_base() */
  importBase?(module: string, span: Span): ModuleExports | undefined;
}

/** Fully qualified names of refs (`torch.optim.AdamW`), kept beside the short `PyRef.name`. */
export const qualifiedNames = new WeakMap<PyRef, string>();

export function makeRef(qualified: string, span?: Span): PyRef {
  const ref = new PyRef(qualified.slice(qualified.lastIndexOf('.') + 1), span);
  qualifiedNames.set(ref, qualified);
  return ref;
}

export class PyContext {
  readonly globals = new Map<string, Binding>();
  /** comprehension scopes, innermost last */
  readonly locals: Map<string, PyValue>[] = [];
  /** > 0 while executing a branch whose condition could not be decided */
  uncertain = 0;
  readonly uncertainNames = new Set<string>();
  /** a `from x import *` we could not follow: unknown names are then unresolved, not NameErrors */
  opaqueStar = false;
  /** text-style files drop every `_base_ = …` assignment before running (RemoveAssignFromAST) */
  skipBaseAssign = false;
  /** inside `with read_base():`, where absolute imports name base configs too */
  inReadBase = false;
  /** the file is in lazy-import (read_base) style */
  lazy = false;
  depth = 0;

  constructor(
    readonly text: string,
    readonly map: SourceMap,
    readonly sink: DiagnosticSink,
    readonly hooks: ContextHooks = {},
    /** the analysis' budget, shared with every other file of the chain */
    readonly budget: Budget = new Budget(),
  ) {}

  get file(): string {
    return this.map.file;
  }
  span(node: SyntaxNode): Span {
    return this.map.span(node.from, node.to);
  }
  textOf(node: SyntaxNode): string {
    const t = this.text.slice(node.from, node.to);
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  }

  lookup(name: string): Binding | undefined {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const scope = this.locals[i];
      if (scope.has(name)) return { value: scope.get(name) as PyValue, kind: 'data' };
    }
    return this.globals.get(name);
  }

  bind(name: string, binding: Binding): void {
    const scope = this.locals[this.locals.length - 1];
    if (scope) scope.set(name, binding.value);
    else this.globals.set(name, binding);
  }

  /** A value we cannot compute, reported once, here. */
  unresolved(node: SyntaxNode, reason: string): PyUnresolved {
    const span = this.span(node);
    const text = this.textOf(node);
    this.sink.warning(Codes.unresolved, `Cannot evaluate \`${text}\` statically: ${reason}.`, span);
    return new PyUnresolved(text, reason, span);
  }

  /** Something nested past the depth limit: unresolved, with its own code. */
  tooDeep(node: SyntaxNode, reason = this.budget.tooDeep()): PyUnresolved {
    const span = this.span(node);
    const text = this.textOf(node);
    this.sink.warning(Codes.tooDeep, `\`${text}\` is ${reason}.`, span);
    return new PyUnresolved(text, reason, span);
  }

  /** A value that depends on an unresolved one; the cause was already reported. */
  derived(node: SyntaxNode, cause: PyUnresolved): PyUnresolved {
    return new PyUnresolved(this.textOf(node), cause.reason, this.span(node));
  }

  /** An exception Python itself would raise while loading the config. */
  pythonError(node: SyntaxNode, err: PyError): PyUnresolved {
    const span = this.span(node);
    const message = `${err.pyType}: ${err.pyMessage}`;
    this.sink.error(Codes.pythonError, `${message} (MMEngine would fail to load this config).`, span);
    return new PyUnresolved(this.textOf(node), message, span);
  }

  /** Value actually stored by an assignment: unknown when the branch may not run. */
  guard(node: SyntaxNode, value: PyValue, name: string): PyValue {
    if (!this.uncertain) return value;
    this.uncertainNames.add(name);
    return new PyUnresolved(
      this.textOf(node),
      'assigned under a condition that cannot be evaluated statically',
      this.span(node),
    );
  }
}

export function isUnresolved(v: PyValue | undefined): v is PyUnresolved {
  return v instanceof PyUnresolved;
}
