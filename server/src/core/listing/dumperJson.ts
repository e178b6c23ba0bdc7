// Reads the dumper's JSON, which is also the conformance corpus' model format, as it is,
// after checking the type of every field it has (below).

import type {
  BackboneInfo,
  FlatParam,
  ListingProblem,
  ListingResult,
  LocalParam,
  ModelHooks,
  ModelListing,
  ModuleEntry,
} from './model.ts';
import { jsonErrorInfo } from './jsonErrors.ts';
import { FieldChecks, isCount, isInteger, isObject, type JsonPath } from './jsonFields.ts';
import { readBackboneFacts, readGroupMatcher, readLayerDepth } from './hookValues.ts';
import { ListingBuilder } from './listingBuilder.ts';
import { namedParameters } from './listingParts.ts';
import { NO_ATTRS } from './moduleTree.ts';
import { ShapeInterner } from './shapes.ts';

export function looksLikeDumperJson(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*\{/.test(head) && /"(modules|params|model_id)"\s*:/.test(head);
}

// Every field the format has is type-checked here, at the boundary, so that nothing past the
// reader meets a string where it expects a list. A field that changes the param groups
// (names, shapes, flags, identities, classes, attributes, hooks) is an error when it has the
// wrong type: a table computed without it would be wrong, so the CLI gives none. The reader
// still goes on with the entry skipped or the field left out, for the editor. A field that
// only labels (model_id, env, dtype, class_qualified, counts, skipped_*) is a warning and is
// left out.

const ERROR = 'error';
const WARNING = 'warning';
/** Where a listing's type problems are reported. */
const CODE = 'listing-json-field';

export function readDumperJson(text: string, file: string): ListingResult {
  const problems: ListingProblem[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const info = jsonErrorInfo(text, e);
    const truncated =
      info.offset >= text.trimEnd().length ? ' The file ends early: was it cut off while being written?' : '';
    problems.push({
      severity: 'error',
      code: 'listing-json-syntax',
      message: `Not valid JSON: ${info.message}.${truncated}`,
      span: { file, start: info.offset, end: info.offset + Math.max(1, info.length) },
    });
    return { listing: emptyListing(file), problems };
  }
  const check = new FieldChecks(text, file);
  const result = isObject(raw) ? readModel(raw, file, check) : undefined;
  check.reportTo(problems, CODE);
  if (!result) {
    problems.push({
      severity: 'error',
      code: 'listing-json-shape',
      message: 'A model listing needs a "modules" or "params" array (the paramwise dumper format).',
      span: { file, start: 0, end: 1 },
    });
    return { listing: emptyListing(file), problems };
  }
  return { listing: result, problems };
}

function readModel(raw: Record<string, unknown>, file: string, check: FieldChecks): ModelListing | undefined {
  const rawModules = arrayField(check, raw, 'modules', 'module entries');
  const rawParams = arrayField(check, raw, 'params', 'parameter entries');
  if (!rawModules && !rawParams) return undefined;
  const shared = new SharedParts();
  const params: FlatParam[] = [];
  for (let i = 0; i < (rawParams?.length ?? 0); i++) {
    const param = readParam(rawParams![i], TOP_PARAMS, i, -1 - params.length, shared, check);
    if (param) params.push(param);
  }
  const modules = readModules(rawModules ?? [], shared, check);
  const meta = check.object(ERROR, [], 'meta', raw.meta, 'its hooks and backbone facts are not read') ?? {};
  const listing: ModelListing = {
    modelId: check.string(WARNING, [], 'model_id', raw.model_id),
    format: 'dumper-json',
    file,
    env: check.string(WARNING, META, 'env', meta.env),
    modules: modules.length ? modules : modulesFromFlat(params),
    params: params.length ? params : flatFromModules(modules),
    hooks: readHooks(meta.hooks, check),
    backbone: readBackbone(meta, check),
  };
  if (listing.backbone === undefined) delete listing.backbone;
  check.string(WARNING, META, 'source', meta.source);
  for (const key of ['num_modules', 'num_params', 'num_elements'])
    if (raw[key] !== undefined && !isCount(raw[key]))
      check.wrongType(WARNING, [], key, raw[key], 'a whole number >= 0');
  return listing;
}

const META = ['meta'];
const TOP_PARAMS = ['params'];

function arrayField(
  check: FieldChecks,
  raw: Record<string, unknown>,
  key: string,
  what: string,
): unknown[] | undefined {
  const value = raw[key];
  if (value === undefined || Array.isArray(value)) return value;
  check.wrongType(ERROR, [], key, value, `an array of ${what}`, 'it is not read');
  return undefined;
}

function readModules(rawModules: unknown[], shared: SharedParts, check: FieldChecks): ModuleEntry[] {
  const modules: ModuleEntry[] = [];
  const seenIds = new Set<number>();
  /** Module ids by path, once some id comes twice (a shared module): to refuse one that is its own ancestor. */
  let idOfPath: Map<string, number> | undefined;
  for (let i = 0; i < rawModules.length; i++) {
    const module = readModule(rawModules[i], i, modules.length, shared, check);
    if (!module) continue;
    if (seenIds.has(module.moduleId)) {
      idOfPath ??= new Map(modules.map((e) => [e.path, e.moduleId]));
      const ancestor = ancestorWithId(idOfPath, module.path, module.moduleId);
      if (ancestor !== undefined) {
        check.add(
          ERROR,
          ['modules', i],
          'module_id',
          `module '${module.path}' has the module_id of its ancestor '${ancestor || '.'}' (${module.moduleId}): a module cannot contain itself.`,
        );
        module.moduleId = -1 - i;
      }
    } else seenIds.add(module.moduleId);
    if (idOfPath && !idOfPath.has(module.path)) idOfPath.set(module.path, module.moduleId);
    modules.push(module);
  }
  return modules;
}

/** The ancestor of `path` (by its dotted prefixes) listed with module id `id`. */
function ancestorWithId(idOfPath: Map<string, number>, path: string, id: number): string | undefined {
  if (path === '') return undefined;
  if (idOfPath.get('') === id) return '';
  for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
    const ancestor = path.slice(0, dot);
    if (idOfPath.get(ancestor) === id) return ancestor;
  }
  return undefined;
}

function readModule(
  m: unknown,
  i: number,
  index: number,
  shared: SharedParts,
  check: FieldChecks,
): ModuleEntry | undefined {
  const at = ['modules', i];
  if (!isObject(m)) {
    check.wrongType(ERROR, at, undefined, m, 'a module entry (an object)', 'it is skipped');
    return undefined;
  }
  if (m.path !== undefined && typeof m.path !== 'string') {
    check.wrongType(ERROR, at, 'path', m.path, 'a string', 'the module is skipped');
    return undefined;
  }
  const className = check.string(ERROR, at, 'class', m.class) ?? 'Module';
  check.string(WARNING, at, 'class_qualified', m.class_qualified);
  const mroQualified = shared.list(check.strings(ERROR, at, 'mro_qualified', m.mro_qualified) ?? []);
  const mro = check.strings(ERROR, at, 'mro', m.mro);
  const moduleId = check.integer(ERROR, at, 'module_id', m.module_id) ?? index;
  const attrs = check.object(ERROR, at, 'attrs', m.attrs) ?? {};
  const params: LocalParam[] = [];
  const rawParams = m.params;
  if (rawParams !== undefined && !Array.isArray(rawParams))
    check.wrongType(ERROR, at, 'params', rawParams, 'an array of parameter entries', 'they are not read');
  else if (rawParams?.length) {
    const list = [...at, 'params'];
    for (let k = 0; k < rawParams.length; k++) {
      const param = readParam(rawParams[k], list, k, -1000000 - index * 1000 - params.length, shared, check);
      if (param) params.push(param);
    }
  }
  if (m.skipped_children !== undefined) checkSkipped(check, at, 'skipped_children', m.skipped_children);
  if (m.skipped_params !== undefined) checkSkipped(check, at, 'skipped_params', m.skipped_params);
  return {
    path: m.path ?? '',
    className,
    mroQualified,
    mro: shared.list(mro ?? mroQualified.map(lastSegment)),
    moduleId,
    attrs: shared.attrs(attrs),
    params,
  };
}

/** `skipped_children` / `skipped_params`: `{name, reason, same_as?}` entries, recorded for people only. */
function checkSkipped(check: FieldChecks, at: JsonPath, key: string, value: unknown): void {
  if (!Array.isArray(value)) return check.wrongType(WARNING, at, key, value, 'an array of {name, reason} entries');
  const list = [...at, key];
  value.forEach((entry, i) => {
    const entryObject = check.object(WARNING, list, i, entry);
    if (!entryObject) return;
    for (const field of ['name', 'reason', 'same_as']) check.string(WARNING, [...list, i], field, entryObject[field]);
  });
}

/**
 * The parameter `list[k]`, every field in one literal (adding `dtype` later would cost each a
 * second allocation).
 */
function readParam(
  p: unknown,
  list: JsonPath,
  k: number,
  defaultTensorId: number,
  shared: SharedParts,
  check: FieldChecks,
): LocalParam | undefined {
  if (isObject(p)) {
    const { name, shape, requires_grad, tensor_id, dtype } = p;
    // Valid entries, nearly all, are read without making their path.
    if (
      typeof name === 'string' &&
      isShape(shape) &&
      (requires_grad === undefined || typeof requires_grad === 'boolean') &&
      (tensor_id === undefined || isInteger(tensor_id)) &&
      (dtype === undefined || typeof dtype === 'string')
    ) {
      const interned = shared.shapes.intern(shape, shape.length);
      const requiresGrad = requires_grad !== false;
      const tensorId = tensor_id ?? defaultTensorId;
      return dtype !== undefined
        ? { name, shape: interned, requiresGrad, tensorId, dtype }
        : { name, shape: interned, requiresGrad, tensorId };
    }
  }
  return readBadParam(p, [...list, k], defaultTensorId, shared, check);
}

function isShape(shape: unknown): shape is number[] {
  if (!Array.isArray(shape)) return false;
  for (let i = 0; i < shape.length; i++) if (!isCount(shape[i])) return false;
  return true;
}

/** A parameter entry with some field of the wrong type: each one reported, the entry read as far as it can be. */
function readBadParam(
  p: unknown,
  at: JsonPath,
  defaultTensorId: number,
  shared: SharedParts,
  check: FieldChecks,
): LocalParam | undefined {
  if (!isObject(p)) {
    check.wrongType(ERROR, at, undefined, p, 'a parameter entry (an object)', 'it is skipped');
    return undefined;
  }
  const name = p.name;
  if (typeof name !== 'string') {
    check.wrongType(ERROR, at, 'name', name, 'a string', 'the parameter is skipped');
    return undefined;
  }
  if (p.shape === undefined) {
    check.add(ERROR, at, undefined, `parameter '${name}' has no shape; it is skipped.`);
    return undefined;
  }
  const rawShape = check.integers(ERROR, at, 'shape', p.shape, true, 'the parameter is skipped');
  if (!rawShape) return undefined;
  const shape = shared.shapes.intern(rawShape, rawShape.length);
  const requiresGrad = check.boolean(ERROR, at, 'requires_grad', p.requires_grad) ?? true;
  const tensorId = check.integer(ERROR, at, 'tensor_id', p.tensor_id) ?? defaultTensorId;
  const dtype = check.string(WARNING, at, 'dtype', p.dtype);
  return dtype !== undefined ? { name, shape, requiresGrad, tensorId, dtype } : { name, shape, requiresGrad, tensorId };
}

/**
 * JSON gives every module and parameter its own copy of the same few MROs, shapes and empty
 * attribute objects; the listing keeps one of each (to be treated as immutable), so the parsed
 * copies can be collected: a 100k-parameter dump's listing then holds far less than the parse.
 */
class SharedParts {
  readonly shapes = new ShapeInterner();
  private readonly lists = new Map<string, string[]>();
  private readonly recentLists: string[][] = [];
  private nextRecent = 0;

  list(items: string[]): string[] {
    const recent = this.recentLists;
    for (let i = 0; i < recent.length; i++) if (sameItems(recent[i], items)) return recent[i];
    const key = items.join('\u0000');
    let known = this.lists.get(key);
    if (!known || !sameItems(known, items)) this.lists.set(key, (known = items));
    recent[this.nextRecent] = known;
    this.nextRecent = (this.nextRecent + 1) % 8;
    return known;
  }

  attrs(attrs: Record<string, unknown>): Record<string, unknown> {
    for (const _ in attrs) return attrs;
    return NO_ATTRS;
  }
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  if (a === b) return true;
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The model's own methods' results. A key the dumper wrote as null means "the model has no such
 * method"; a missing key means unknown, and so does a value of the wrong type (with an error).
 */
function readHooks(raw: unknown, check: FieldChecks): ModelHooks {
  const h = check.object(ERROR, META, 'hooks', raw, 'the hooks are not read') ?? {};
  const at = HOOKS;
  const nullable = <T>(key: string, read: (value: unknown) => T | undefined): T | null | undefined =>
    h[key] === null ? null : read(h[key]);
  return {
    noWeightDecay: nullable('no_weight_decay', (v) => check.strings(ERROR, at, 'no_weight_decay', v)),
    groupMatcher: nullable('group_matcher', (v) =>
      v === undefined ? v : readGroupMatcher(v, check, [...HOOKS, 'group_matcher']),
    ),
    pretrainedCfgClassifier: nullable('pretrained_cfg_classifier', (v) => {
      if (typeof v === 'string' || v === undefined) return v;
      if (Array.isArray(v)) return check.strings(ERROR, at, 'pretrained_cfg_classifier', v);
      check.wrongType(ERROR, at, 'pretrained_cfg_classifier', v, 'a string or an array of strings');
      return undefined;
    }),
    getNumLayers: nullable('get_num_layers', (v) => check.integer(ERROR, at, 'get_num_layers', v)),
    getLayerDepth: nullable('get_layer_depth', (v) =>
      v === undefined ? v : readLayerDepth(v, check, [...HOOKS, 'get_layer_depth']),
    ),
  };
}

const HOOKS = ['meta', 'hooks'];

/** `meta.mmpretrain_backbone` (or `meta.backbone`). */
function readBackbone(meta: Record<string, unknown>, check: FieldChecks): BackboneInfo | undefined {
  const key = meta.mmpretrain_backbone !== undefined ? 'mmpretrain_backbone' : 'backbone';
  if (meta[key] === undefined) return undefined;
  return readBackboneFacts(meta[key], check, [...META, key]);
}

const lastSegment = (q: string): string => q.slice(q.lastIndexOf('.') + 1);

/** A listing with only flat params: modules built from the names, their classes inferred. */
export function modulesFromFlat(params: FlatParam[]): ModuleEntry[] {
  const builder = new ListingBuilder([], { classless: true });
  for (const p of params) {
    builder.addParam({
      name: p.name,
      shape: p.shape,
      requiresGrad: p.requiresGrad,
      dtype: p.dtype,
      span: p.span,
      tensorId: p.tensorId,
    });
  }
  return builder.finish().modules;
}

/** named_parameters(): the walk de-duplicated by module, then by tensor identity; first name wins. */
export function flatFromModules(modules: ModuleEntry[]): FlatParam[] {
  return namedParameters(modules);
}

export function emptyListing(file: string): ModelListing {
  return {
    format: 'dumper-json',
    file,
    modules: [{ path: '', className: 'Module', mro: ['Module'], mroQualified: [], moduleId: 0, attrs: {}, params: [] }],
    params: [],
    hooks: {},
  };
}
