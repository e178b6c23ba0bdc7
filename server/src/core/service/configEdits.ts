// Setting a value in a config with `_base_` files the way MMEngine users do it: write it in
// the file being edited, as a partial dict that the loader merges over the base
// (`optim_wrapper=dict(paramwise_cfg=dict(norm_decay_mult=0.))`), rather than editing a base
// that other configs share. Only when the file has no part of the path is the base edited.

import { PyDict } from '../pyvalue.ts';
import type { ServiceContext } from './context.ts';
import { dictText, insertEntry, renderEntry, replaceSpan } from './edits.ts';
import type { TextEdit } from './types.ts';

/** root[path...][key] = value (value is Python source). Undefined when no edit can do it. */
export function setInConfig(ctx: ServiceContext, path: string[], key: string, value: string): TextEdit[] | undefined {
  const dicts = chain(ctx.root, path);
  const target = dicts[path.length];
  const existing = target?.valueSpans.get(key);
  if (existing && existing.file === ctx.file) return [replaceSpan(existing, value)];
  const inFile = deepest(ctx, dicts, (d) => d.span?.file === ctx.file);
  if (inFile) return insertNested(ctx, dicts[inFile], path.slice(inFile), key, value);
  if (existing) return [replaceSpan(existing, value)];
  const anywhere = deepest(ctx, dicts, () => true);
  return anywhere ? insertNested(ctx, dicts[anywhere], path.slice(anywhere), key, value) : undefined;
}

/** [root, root[p0], root[p0][p1], ...], undefined past the first missing level. */
function chain(root: PyDict, path: string[]): (PyDict | undefined)[] {
  const out: (PyDict | undefined)[] = [root];
  let d: PyDict | undefined = root;
  for (const k of path) {
    const next: unknown = d?.get(k);
    d = next instanceof PyDict ? next : undefined;
    out.push(d);
  }
  return out;
}

/** Index (≥ 1: the root is a module, not an editable dict) of the deepest editable dict passing `ok`. */
function deepest(ctx: ServiceContext, dicts: (PyDict | undefined)[], ok: (d: PyDict) => boolean): number | undefined {
  for (let i = dicts.length - 1; i >= 1; i--) {
    const d = dicts[i];
    if (d && ok(d) && dictText(d, ctx.sources)) return i;
  }
  return undefined;
}

/** Inserts `rest[0]=dict(rest[1]=dict(...key=value))` (or `key=value` when rest is empty) into `host`. */
function insertNested(
  ctx: ServiceContext,
  host: PyDict | undefined,
  rest: string[],
  key: string,
  value: string,
): TextEdit[] | undefined {
  const dt = dictText(host, ctx.sources);
  // The next key written here in some other form (`paramwise_cfg=pw_cfg`): a second one would be a SyntaxError.
  if (!dt || (rest.length && host!.keySpans.get(rest[0])?.file === dt.file)) return undefined;
  let inner = `${key}=${value}`;
  for (let i = rest.length - 1; i >= 1; i--) inner = `${rest[i]}=dict(${inner})`;
  return [insertEntry(dt, rest.length ? renderEntry(dt, rest[0], `dict(${inner})`) : renderEntry(dt, key, value))];
}
