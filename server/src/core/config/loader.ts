// The inheritance chain: reads each file once through the host, guards against cycles,
// resolves `_base_` paths and read_base() modules, and enforces MMEngine's rule that a
// chain is all text style or all lazy-import style.
import type { Span } from '../pyvalue.ts';
import { parseJsonConfig, parseYamlConfig } from './dataConfig.ts';
import { ConfigDict, configUpdate, toConfigDict } from '../python/configDict.ts';
import { deepClone } from '../python/pyModules.ts';
import { BudgetExceeded, TooDeep, type Budget } from '../python/budget.ts';
import { dirname, extname, join, normalize, resolveFrom } from '../paths.ts';
import type { ModuleExports } from '../python/pyContext.ts';
import { loadPythonFile, type ChainApi, type FileOutcome } from './pyConfig.ts';
import { substitute } from './substitute.ts';
import { applyScope, baseRefs, finishTextStyle, type BaseRef } from './textStyle.ts';
import { Codes, DiagnosticSink } from '../python/diagnostics.ts';
import type { BaseLink, ConfigHost } from './types.ts';

interface Request {
  span: Span;
  /** imported from `with read_base():` of a lazy-import config */
  lazyParent: boolean;
}

const STYLE_MIX =
  'RuntimeError: The configuration file type in the inheritance chain must match the current configuration file type, ' +
  'either "lazy_import" or non-"lazy_import".';

/**
 * A copy of a file's outcome for another use. Each use gets objects of its own, as MMEngine's
 * re-read gives; the copy keeps classes and spans, and counts in the budget.
 */
function copyOutcome(o: FileOutcome, budget: Budget): FileOutcome {
  const memo = new Map();
  const dict = deepClone(o.dict, budget, memo) as ConfigDict;
  const imports = new Map([...o.imports].map(([k, b]) => [k, { ...b, value: deepClone(b.value, budget, memo) }]));
  return { dict, imports, lazy: o.lazy };
}

export class ConfigLoader implements ChainApi {
  readonly sink = new DiagnosticSink();
  readonly files: string[] = [];
  readonly baseLinks: BaseLink[] = [];
  private readonly stack: string[] = [];
  /**
   * What each (mode, path) gave, kept pristine. MMEngine parses a base again each time it is
   * inherited; doing the same costs 2^n reads for an n-level `_base_` diamond. Evaluation is
   * static and depends only on the file and the mode, so each file is read, parsed and
   * evaluated once per analysis, and every later use gets a copy (its problems were reported
   * the first time).
   */
  private readonly done = new Map<string, FileOutcome | undefined>();

  constructor(
    private readonly host: ConfigHost,
    readonly budget: Budget,
  ) {}

  get env(): Record<string, string | undefined> | undefined {
    return this.host.env;
  }

  load(path: string, request?: Request, text?: string): FileOutcome | undefined {
    const key = `${request?.lazyParent ? 'lazy' : 'text'}:${path}`;
    if (this.stack.includes(path)) {
      const chain = [...this.stack.slice(this.stack.indexOf(path)), path].join(' -> ');
      this.sink.error(Codes.baseCycle, `Cyclic config inheritance: ${chain}`, request?.span);
      return undefined;
    }
    if (this.done.has(key)) {
      const first = this.done.get(key);
      try {
        return first && copyOutcome(first, this.budget);
      } catch (e) {
        if (e instanceof BudgetExceeded) e.span ??= request?.span;
        throw e;
      }
    }
    if (this.stack.length > this.budget.limits.depth) {
      this.sink.error(
        Codes.tooDeep,
        `The \`_base_\` chain is ${this.budget.tooDeep()}; MMEngine would follow it.`,
        request?.span,
      );
      return undefined;
    }
    const out = this.read(path, request, text);
    // Only bases are used again; the copy is taken before the first user can change `out`.
    if (request) this.done.set(key, out && copyOutcome(out, this.budget));
    return out;
  }

  private link(span: Span, target: string): void {
    this.baseLinks.push({ span, target });
  }

  private read(path: string, request: Request | undefined, text: string | undefined): FileOutcome | undefined {
    const content = text ?? this.host.readFile(path);
    if (content === undefined) {
      const code = request ? Codes.baseMissing : Codes.fileMissing;
      this.sink.error(code, `FileNotFoundError: file "${path}" does not exist`, request?.span);
      return undefined;
    }
    if (!this.files.includes(path)) this.files.push(path);
    this.stack.push(path);
    try {
      return this.parse(path, content, request);
    } catch (e) {
      // Where the budget ran out, if no statement inside the file said so: the file itself.
      if (e instanceof BudgetExceeded) e.span ??= { file: path, start: 0, end: 0 };
      if (!(e instanceof TooDeep)) throw e;
      this.sink.error(Codes.tooDeep, `This file is ${e.message}.`, { file: path, start: 0, end: 0 });
      return undefined;
    } finally {
      this.stack.pop();
    }
  }

  private parse(path: string, content: string, request: Request | undefined): FileOutcome | undefined {
    const ext = extname(path).toLowerCase();
    if (ext === '.py') return loadPythonFile(this, path, content, request?.lazyParent ?? false);
    if (ext === '.json' || ext === '.yaml' || ext === '.yml') return this.parseData(path, content, ext === '.json');
    this.sink.error(Codes.unsupportedFormat, 'OSError: Only py/yml/yaml/json type are supported now!', request?.span);
    return undefined;
  }

  private parseData(path: string, content: string, json: boolean): FileOutcome {
    const sub = substitute(path, content, this.env);
    for (const m of sub.missingEnv)
      this.sink.error(Codes.envMissing, `KeyError: \`${m.varName}\` cannot be found in \`os.environ\`.`, {
        file: path,
        start: m.start,
        end: m.end,
      });
    const parsed = (json ? parseJsonConfig : parseYamlConfig)(sub.text, sub.map, this.sink, this.budget);
    const cfg = parsed ? toConfigDict(parsed, this.budget) : new ConfigDict();
    const base = this.loadBases(path, baseRefs(cfg.get('_base_'), cfg.spanOf('_base_'), this.sink));
    const dict = finishTextStyle({ file: path, cfg, base, baseVars: sub.baseVars }, this.sink, this.budget);
    return { dict, imports: new Map(), lazy: false };
  }

  /** Where `'a.py'` or `'mmdet::a.py'` points, or undefined (with a warning) when it cannot be known. */
  private basePath(file: string, ref: BaseRef): { path: string; scope?: string } | undefined {
    const sep = ref.value.indexOf('::');
    if (sep < 0) return { path: resolveFrom(file, ref.value) };
    const pkg = ref.value.slice(0, sep);
    const resolved = this.host.resolvePackagePath?.(pkg, ref.value.slice(sep + 2));
    if (resolved !== undefined) return { path: normalize(resolved), scope: pkg };
    this.sink.warning(
      Codes.packageUnavailable,
      `Package '${pkg}' is not available here, so '${ref.value}' is skipped; keys it defines are missing.`,
      ref.span,
    );
    return undefined;
  }

  /** `_base_` files merged left to right, a key defined by two bases being an error. */
  loadBases(file: string, refs: BaseRef[]): ConfigDict {
    const merged = new ConfigDict();
    for (const ref of refs) {
      const target = this.basePath(file, ref);
      if (!target) continue;
      this.link(ref.span, target.path);
      const out = this.load(target.path, { span: ref.span, lazyParent: false });
      if (!out) continue;
      if (out.lazy)
        this.sink.error(
          Codes.styleMix,
          `${STYLE_MIX} '${ref.value}' uses \`with read_base()\` or imports non-builtin modules.`,
          ref.span,
        );
      const dup = out.dict.keys().filter((k) => merged.has(k));
      if (dup.length) {
        const keys = `{${dup.map((k) => `'${k}'`).join(', ')}}`;
        this.sink.error(
          Codes.baseDuplicateKey,
          `KeyError: "Duplicate key is not allowed among bases. Duplicate keys: ${keys}"`,
          ref.span,
        );
      }
      if (target.scope) applyScope(out.dict, target.scope);
      configUpdate(merged, out.dict, this.budget);
    }
    return merged;
  }

  /** `from ..a.b import x` inside read_base(): `..` climbs like Python's relative imports. */
  importBase(file: string, spec: string, span: Span): ModuleExports | undefined {
    const level = /^\.*/.exec(spec)?.[0].length ?? 0;
    const dotted = spec.slice(level);
    let path: string | undefined;
    if (level > 0)
      path = join(dirname(file), ...Array<string>(level - 1).fill('..'), `${dotted.replace(/\./g, '/')}.py`);
    else {
      const [pkg, ...rest] = dotted.split('.');
      if (!rest.length) {
        this.sink.error(
          Codes.styleMix,
          `ConfigParsingError: The imported configuration file should not be an independent package ${pkg}.`,
          span,
        );
        return undefined;
      }
      path = this.host.resolvePackagePath?.(pkg, `${rest.join('/')}.py`);
      if (path === undefined) {
        this.sink.warning(
          Codes.packageUnavailable,
          `Package '${pkg}' is not available here, so '${spec}' is skipped.`,
          span,
        );
        return undefined;
      }
      path = normalize(path);
    }
    this.link(span, path);
    const out = this.load(path, { span, lazyParent: true });
    return out && { dict: out.dict, imports: out.imports };
  }
}
