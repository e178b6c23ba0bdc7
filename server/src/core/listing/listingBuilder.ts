// Builds modules (add_params visit order) and named_parameters() from line-oriented listings:
// .params text, plain dumps and safetensors headers all feed it parameter by parameter.
// Modules come out in pre-order over first appearance, so a file written in visit order
// reads back in the same order, and ancestors nobody wrote are created where they belong.
//
// 100k-parameter listings are the budget: per parameter it keeps one LocalParam, one
// FlatParam and the span and name it was given; shapes, local names, MROs and attributes
// are shared (and frozen where shared), and each ModuleEntry is made once, in finish.

import type { Span } from '../pyvalue.ts';
import type { FlatParam, ListingProblem, LocalParam, ModuleEntry } from './model.ts';
import type { ParsedClass } from './classExpr.ts';
import { ModuleTree, NONE, NO_ATTRS, ROOT, type ModuleId } from './moduleTree.ts';
import { KindInferrer, type InferredClass } from './inferKinds.ts';
import { MODULE_MRO, appended, entry, flatParam, guessedEntry, localParam, namedParameters } from './listingParts.ts';
import { ShapeInterner } from './shapes.ts';
import { LocalNames } from './localNames.ts';
import { report } from './problems.ts';
import { SharedModules, type Refusal } from './sharedModules.ts';

export interface ParamInput {
  name: string;
  /** Interned before addParam returns: a reader may pass a scratch array. */
  shape: readonly number[];
  requiresGrad: boolean;
  cls?: ParsedClass;
  tiedTo?: string;
  dtype?: string;
  span?: Span;
  /** Where the tie target is written, for its problem. */
  tieSpan?: Span;
  /** The identity a listing already gives it (JSON); otherwise the next free id. */
  tensorId?: number;
  // What a reader that scanned its own text knows already, so the builder need not read the name again.
  /** Index of the name's last dot, -1 for none. */
  dot?: number;
  /** `name.slice(dot + 1)`, as a string shared with earlier parameters. */
  local?: string;
}

export interface BuilderOptions {
  /** The reader never gives classes (plain dumps, safetensors): every module gets a guess. */
  classless?: boolean;
}

const LINEAR_SCAN_LIMIT = 16;
/**
 * Modules and parameters that expanding aliases may add. Aliases that share each other's
 * subtrees double at every level, so a few dozen lines could otherwise stand for billions.
 */
export const MAX_EXPANDED = 500_000;

export class ListingBuilder {
  private readonly tree: ModuleTree;
  /** Readers may intern shapes as they read them, with the same table. */
  readonly shapes = new ShapeInterner();
  private readonly localNames = new LocalNames();
  /** Local parameter names of modules with too many for a linear duplicate check. */
  private readonly names = new Map<ModuleId, Set<string>>();
  private readonly declared = new Set<ModuleId>();
  /** `= other.path` module lines: module -> the module it is the same object as. */
  private readonly sharedWith = new Map<ModuleId, ModuleId>();
  /** Which modules are one object, to refuse a module that would contain itself. */
  private readonly shared: SharedModules;
  /** Aliases written alone (no parameters or submodules of their own) and the copies made for them. */
  private readonly alone = new Set<ModuleId>();
  private readonly contentMemo = new Map<ModuleId, ModuleId>();
  private readonly targetMemo = new Map<ModuleId, ModuleId>();
  /** Modules and parameters made by expanding aliases so far. */
  private expanded = 0;
  /** The class each MRO came from (messages quote what was written). */
  private readonly classOfMro = new Map<readonly string[], ParsedClass>();
  private lastClass: ParsedClass | undefined;
  private nextTensorId = 0;
  /** named_parameters() as the lines come; right whenever the lines are in visit order. */
  private readonly inLineOrder: FlatParam[] = [];
  private linesInVisitOrder = true;
  private hasConvWeight = false;

  private readonly classless: boolean;

  constructor(
    private readonly problems: ListingProblem[],
    options: BuilderOptions = {},
  ) {
    this.classless = options.classless ?? false;
    this.tree = new ModuleTree(this.classless ? guessedEntry : entry);
    this.shared = new SharedModules(this.tree);
  }

  /** A module line: `path Class [= other.path]`. */
  declareModule(path: string, cls: ParsedClass | undefined, sharedWith: string | undefined, span: Span): void {
    const tree = this.tree;
    const existing = tree.find(path);
    if (existing !== NONE && this.declared.has(existing))
      return this.problem('error', 'listing-duplicate-module', `Module '${path || '.'}' is listed twice.`, span);
    const node = existing !== NONE ? existing : tree.ensure(path, path.length, span);
    const e = tree.entries[node];
    if (existing !== NONE && e.params.length) this.linesInVisitOrder = false;
    this.declared.add(node);
    e.span ??= span;
    if (cls) this.applyClass(e, cls, span);
    if (sharedWith === undefined) return;
    const target = tree.find(sharedWith);
    const written = `'= ${sharedWith || '.'}'`;
    if (target === NONE)
      return this.problem('error', 'listing-unknown-module', `${written} must name a module listed above.`, span);
    const refusal = target === node ? 'self' : this.shared.join(node, target);
    if (refusal) return this.problem('error', 'listing-shared-cycle', cycleMessage(refusal, written, path), span);
    this.sharedWith.set(node, target);
    this.linesInVisitOrder = false;
  }

  addParam(p: ParamInput): void {
    const tree = this.tree;
    const name = p.name;
    const dot = p.dot ?? name.lastIndexOf('.');
    const created = tree.entries.length;
    const node = tree.ensure(name, dot < 0 ? 0 : dot, p.span);
    if (dot === name.length - 1)
      return this.rejectLine(node, created, 'listing-bad-name', `'${name}' is not a parameter name.`, p.span);
    const local = p.local ?? this.localNames.ofName(name, dot + 1);
    if (this.hasLocal(node, local))
      return this.problem(
        'error',
        'listing-duplicate-name',
        `Parameter '${name}' is listed twice.`,
        p.span && { ...p.span, end: p.span.start + name.length },
      );
    const shape = this.shapes.intern(p.shape, p.shape.length);
    const tensorId = p.tiedTo === undefined ? (p.tensorId ?? this.nextTensorId++) : this.tieTarget(p, shape);
    if (tensorId === undefined) return this.tree.forgetSpan(node, created);
    const e = tree.entries[node];
    if (p.cls) this.applyClass(e, p.cls, p.span);
    const param = localParam(local, shape, p.requiresGrad, tensorId, p.dtype, p.span);
    const params = appended(e.params, param);
    e.params = params;
    if (params.length > LINEAR_SCAN_LIMIT) this.names.get(node)?.add(local);
    if (e.span === undefined && p.span) e.span = p.span;
    if (shape.length === 4 && local === 'weight') this.hasConvWeight = true;
    if (p.tiedTo === undefined) this.inLineOrder.push(flatParam(name, param, p.span));
    // A module's own parameters precede its children's: one added after a later module was
    // created means the lines are not in visit order.
    if (node !== tree.entries.length - 1) this.linesInVisitOrder = false;
  }

  /**
   * Modules in visit order. Modules whose class nobody wrote get a guess (inferKinds.ts)
   * before modules listed as `= other.path` copy their target's class.
   */
  finish(): { modules: ModuleEntry[]; params: FlatParam[] } {
    const tree = this.tree;
    const inferrer = new KindInferrer(this.hasConvWeight);
    const order = this.visitOrder();
    const modules: ModuleEntry[] = order ? [] : tree.entries;
    let nextModuleId = 0;
    const shared = this.sharedWith.size > 0;
    for (let i = 0; i < (order ? order.length : modules.length); i++) {
      const node = order ? order[i] : i;
      let e = tree.entries[node];
      if (!shared || !this.sharedWith.has(node)) {
        e.moduleId = nextModuleId++;
        if (e.mro === MODULE_MRO.mro) {
          const previous = tree.previousSibling(node);
          e = this.guessed(
            node,
            inferrer.infer({
              path: e.path,
              params: e.params,
              previousSibling: previous === NONE ? undefined : tree.entries[previous],
            }),
          );
        }
      }
      if (order) modules.push(e);
    }
    for (const node of this.sharedWith.keys()) this.adoptTarget(node);
    return { modules, params: this.linesInVisitOrder ? this.inLineOrder : namedParameters(modules) };
  }

  /**
   * The module's entry with its guessed class. An entry made without `inferred` is made again
   * rather than given one: a property added later costs more than the object.
   */
  private guessed(node: ModuleId, guess: InferredClass): ModuleEntry {
    const e = this.tree.entries[node];
    const { className, mroQualified, mro, attrs, inferred } = guess;
    if (this.classless) {
      e.className = className;
      e.mroQualified = mroQualified;
      e.mro = mro;
      e.attrs = attrs;
      e.inferred = inferred;
      return e;
    }
    const { path, moduleId, params, span } = e;
    const made = span
      ? { path, className, mroQualified, mro, moduleId, attrs, params, span, inferred }
      : { path, className, mroQualified, mro, moduleId, attrs, params, inferred };
    this.tree.entries[node] = made;
    return made;
  }

  /**
   * Module ids in visit order; undefined when that is the creation order (lines in visit
   * order, no shared modules). Shared modules are expanded as the walk reaches them.
   */
  private visitOrder(): ModuleId[] | undefined {
    const tree = this.tree;
    if (tree.createdInPreorder && !this.sharedWith.size) return undefined;
    this.linesInVisitOrder = false;
    for (const node of this.sharedWith.keys())
      if (!tree.entries[node].params.length && !tree.children(node).length) this.alone.add(node);
    const order: ModuleId[] = [];
    const stack: ModuleId[] = [ROOT];
    while (stack.length) {
      const node = stack.pop()!;
      if (this.alone.has(node)) this.expandShared(node);
      order.push(node);
      const children = tree.children(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    return order;
  }

  /**
   * `b.shared = a.shared` alone stands for the whole subtree, as add_params walks it again. Its
   * submodules become aliases written alone in turn, expanded when the walk reaches them.
   */
  private expandShared(node: ModuleId): void {
    if (this.expanded > MAX_EXPANDED) return;
    const tree = this.tree;
    const source = this.contentOf(node);
    const e = tree.entries[node];
    const params = tree.entries[source].params;
    const children = tree.children(source);
    this.expanded += params.length + children.length;
    if (this.expanded > MAX_EXPANDED)
      return this.problem(
        'error',
        'listing-shared-too-large',
        `Shared modules ('= path' lines) expand to more than ${MAX_EXPANDED} modules and parameters; '${e.path}' and the modules after it are not expanded.`,
        e.span,
      );
    const span = e.span;
    if (params.length) e.params = params.map((p) => ({ ...p, span }));
    for (const child of children) {
      const copy = tree.addChild(node, tree.segment(child), span);
      this.sharedWith.set(copy, child);
      this.alone.add(copy);
    }
  }

  /**
   * What an alias written alone stands for: the first module down its alias chain that has
   * parameters or submodules of its own. Remembered for every module on the way, so a long
   * chain costs its length once, not once per module that reaches it.
   */
  private contentOf(node: ModuleId): ModuleId {
    const target = this.sharedWith.get(node)!;
    // Most are copies made by an expansion, whose target is a module as written.
    if (!this.alone.has(target)) return target;
    const passed = [node];
    let n = target;
    for (let known = this.contentMemo.get(n); this.alone.has(n); known = this.contentMemo.get(n)) {
      if (known !== undefined) {
        n = known;
        break;
      }
      passed.push(n);
      n = this.sharedWith.get(n)!;
    }
    for (const p of passed) this.contentMemo.set(p, n);
    return n;
  }

  private adoptTarget(node: ModuleId): void {
    const target = this.lastOfChain(node);
    const e = this.tree.entries[node];
    const t = this.tree.entries[target];
    e.moduleId = t.moduleId;
    if (e.mro !== MODULE_MRO.mro) return;
    Object.assign(e, { className: t.className, mro: t.mro, mroQualified: t.mroQualified, attrs: t.attrs });
    if (t.inferred) e.inferred = t.inferred;
  }

  /** The module at the end of `node`'s alias chain (the chains have no loops: declareModule refuses them). */
  private lastOfChain(node: ModuleId): ModuleId {
    const target = this.sharedWith.get(node)!;
    if (!this.sharedWith.has(target)) return target;
    const passed = [node];
    let n = target;
    for (let next = this.sharedWith.get(n); next !== undefined; next = this.sharedWith.get(n)) {
      const known = this.targetMemo.get(n);
      if (known !== undefined) {
        n = known;
        break;
      }
      passed.push(n);
      n = next;
    }
    for (const p of passed) this.targetMemo.set(p, n);
    return n;
  }

  private tieTarget(p: ParamInput, shape: readonly number[]): number | undefined {
    const target = this.findParam(p.tiedTo!);
    if (!target) {
      this.problem(
        'error',
        'listing-unknown-tie',
        `'= ${p.tiedTo}' must name a parameter listed above.`,
        p.tieSpan ?? p.span,
      );
      return undefined;
    }
    if (target.shape.join() !== shape.join())
      this.problem(
        'warning',
        'listing-tie-shape',
        `Tied to '${p.tiedTo}', whose shape is [${target.shape.join(', ')}].`,
        p.span,
      );
    return target.tensorId;
  }

  private findParam(name: string): LocalParam | undefined {
    const dot = name.lastIndexOf('.');
    const node = this.tree.find(dot < 0 ? '' : name.slice(0, dot));
    const local = name.slice(dot + 1);
    return node === NONE ? undefined : this.tree.entries[node].params.find((q) => q.name === local);
  }

  private hasLocal(node: ModuleId, local: string): boolean {
    const params = this.tree.entries[node].params;
    if (params.length >= LINEAR_SCAN_LIMIT) {
      let names = this.names.get(node);
      if (!names) this.names.set(node, (names = new Set(params.map((p) => p.name))));
      return names.has(local);
    }
    for (let i = 0; i < params.length; i++) if (params[i].name === local) return true;
    return false;
  }

  /** The first class given decides; later lines must name the same MRO and may add attributes. */
  private applyClass(e: ModuleEntry, cls: ParsedClass, span: Span | undefined): void {
    if (cls !== this.lastClass) {
      this.lastClass = cls;
      if (!this.classOfMro.has(cls.mroQualified)) this.classOfMro.set(cls.mroQualified, cls);
    }
    if (e.mro === MODULE_MRO.mro) {
      e.className = cls.className;
      e.mroQualified = cls.mroQualified;
      e.mro = cls.mro;
      e.attrs = mergedAttrs(e.attrs, cls.attrs);
    } else if (e.mroQualified !== cls.mroQualified && e.mroQualified.join(' ') !== cls.identity) {
      const first = this.classOfMro.get(e.mroQualified)!;
      this.problem(
        'warning',
        'listing-class-mismatch',
        `Module '${e.path || '.'}' was already given class ${first.key}; ${cls.key} is ignored.`,
        span,
      );
    } else if (e.attrs !== cls.attrs) {
      for (const key in cls.attrs) {
        if (key in e.attrs && !sameValue(e.attrs[key], cls.attrs[key])) {
          this.problem(
            'warning',
            'listing-attr-mismatch',
            `Module '${e.path || '.'}' already has ${key}=${JSON.stringify(e.attrs[key])}.`,
            span,
          );
        }
      }
      e.attrs = mergedAttrs(e.attrs, cls.attrs);
    }
  }

  /** A parameter line that adds no parameter: the module it created is not where it is written. */
  private rejectLine(node: ModuleId, created: number, code: string, message: string, span: Span | undefined): void {
    this.tree.forgetSpan(node, created);
    this.problem('error', code, message, span);
  }

  private problem(severity: ListingProblem['severity'], code: string, message: string, span: Span | undefined): void {
    report(this.problems, span ? { severity, code, message, span } : { severity, code, message });
  }
}

function cycleMessage(refusal: Refusal | 'self', written: string, path: string): string {
  const module = `'${path || '.'}'`;
  switch (refusal) {
    case 'self':
      return `${written} names module ${module} itself: a module cannot be a copy of itself.`;
    case 'loop':
      return `${written} closes a loop of shared modules: that module is already a copy of ${module}.`;
    case 'ancestor':
      return `${written} names an ancestor of module ${module}: a module cannot contain itself.`;
    case 'descendant':
      return `${written} names a submodule of module ${module}: a module cannot contain itself.`;
    case 'through-aliases':
      return `${written} would make module ${module} contain itself, through the modules shared with it.`;
  }
}

/** `attrs` plus the keys of `more` it lacks; `attrs` itself when there are none (they may be shared). */
function mergedAttrs(attrs: Record<string, unknown>, more: Record<string, unknown>): Record<string, unknown> {
  if (attrs === NO_ATTRS) return more;
  let merged: Record<string, unknown> | undefined;
  for (const key in more) {
    if (!(key in attrs)) (merged ??= { ...attrs })[key] = more[key];
  }
  return merged ?? attrs;
}

const sameValue = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);
