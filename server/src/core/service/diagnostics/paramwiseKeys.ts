// Keys inside paramwise_cfg and inside each custom_keys entry. Nothing validates them at run
// time: the constructor reads the keys it knows and silently drops the rest, and a custom
// key's items are copied into the param group where torch never looks (a typo such as
// `lr_mul` just does nothing, msight-tech/research-ms-loss #27).

import { PyDict, PyList, type Span } from '../../pyvalue.ts';
import { getDict, typeName } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import {
  BOOKKEEPING,
  CONSTRUCTORS,
  CUSTOM_KEY_ITEMS,
  customKeyItems,
  defaultsKeysRead,
  LAYER_DECAY_KEYS,
  type ConstructorSchema,
} from '../schema.ts';
import { isDefaultLike, MMCV_CONSTRUCTOR, type OptimSite } from '../sites.ts';
import { closest } from '../suggest.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { renameFix } from './keyFixes.ts';
import { examples, makeDiag } from './make.ts';

export function checkParamwiseKeys(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    const schema = CONSTRUCTORS[site.constructorName];
    if (!site.paramwise || !schema) continue;
    checkLevel(ctx, site, schema, out);
    if (schema.reads.includes('custom_keys')) checkCustomKeyItems(ctx, site, schema, out);
  }
  return out;
}

function checkLevel(ctx: ServiceContext, site: OptimSite, schema: ConstructorSchema, out: ServiceDiagnostic[]): void {
  const pw = site.paramwise!;
  const known = [...schema.reads, ...Object.keys(schema.ignores), ...Object.keys(LAYER_DECAY_KEYS)];
  for (const key of pw.keys()) {
    if (schema.reads.includes(key) || BOOKKEEPING.has(key)) continue;
    // Layer-decay keys under the default constructor have their own check (layerDecay.ts).
    if (key in LAYER_DECAY_KEYS && isDefaultLike(site)) continue;
    const span = ctx.at(pw.keySpans.get(key));
    const why =
      schema.ignores[key] ?? (key in LAYER_DECAY_KEYS ? `${site.constructorName} does not read it` : undefined);
    if (why) {
      out.push(
        makeDiag(
          Code.ignoredKey,
          `paramwise_cfg.${key} has no effect with ${site.constructorName}. Here ${why}.`,
          span,
        ),
      );
      continue;
    }
    // A near miss of the merge keyword (`_delete=True`) keeps every entry of the base's dict.
    const guess = closest(key, [...known, ...BOOKKEEPING]);
    if (guess) {
      const effect = BOOKKEEPING.has(guess)
        ? `The config merge reads only '${guess}', so this paramwise_cfg is merged into the inherited one instead of replacing it, and ${site.constructorName} ignores '${key}'.`
        : `${site.constructorName} silently ignores keys it does not know, so this rule never applies.`;
      out.push(
        makeDiag(Code.misspelledKey, `Unknown paramwise_cfg key '${key}'; did you mean '${guess}'? ${effect}`, span, {
          fixes: renameFix(pw, key, guess, ctx.sources),
        }),
      );
    } else {
      out.push(
        makeDiag(
          Code.unknownKey,
          `Unknown paramwise_cfg key '${key}'; the constructor silently ignores it. ${site.constructorName} reads ${schema.reads.join(', ')}.`,
          span,
        ),
      );
    }
  }
}

/**
 * Items of custom_keys entries. MMEngine copies every item into the param group; only the
 * multipliers, the constructor's own keys and the group keys the optimizer's step reads do
 * anything there. One diagnostic per unknown item, with every entry that carries it as related
 * information. Hooks can read group keys too (SimSiam's fix_lr), so with custom_hooks
 * configured an item no optimizer reads is only a hint that names them; for an optimizer
 * Paramwise does not know nothing is claimed.
 */
function checkCustomKeyItems(
  ctx: ServiceContext,
  site: OptimSite,
  schema: ConstructorSchema,
  out: ServiceDiagnostic[],
): void {
  const customKeys = getDict(site.paramwise, 'custom_keys');
  const allowed = customKeyItems(site.optimizerType);
  const mmcv = site.constructorName === MMCV_CONSTRUCTOR;
  const unknown = new Map<string, { entry: string; span: Span }[]>();
  for (const [name, cfg] of customKeys?.items ?? []) {
    if (!(cfg instanceof PyDict)) continue;
    for (const key of cfg.keys()) {
      const span = ctx.at(cfg.keySpans.get(key));
      const ignored =
        schema.ignoresInCustomKeys?.[key] ??
        (mmcv && !CUSTOM_KEY_ITEMS.includes(key)
          ? 'mmcv 1.x reads only lr_mult and decay_mult from a custom key'
          : undefined);
      if (ignored) {
        out.push(
          makeDiag(
            Code.ignoredKey,
            `custom_keys['${name}'].${key} has no effect with ${site.constructorName}. Here ${ignored}.`,
            span,
          ),
        );
        continue;
      }
      if (!allowed || allowed.includes(key) || BOOKKEEPING.has(key)) continue;
      const list = unknown.get(key) ?? [];
      unknown.set(key, list);
      list.push({ entry: name, span });
    }
  }
  const opt = site.optimizerType || 'the optimizer';
  const hooks = customHooks(ctx);
  for (const [key, where] of unknown) {
    const first = where[0];
    const entries = where.map((w) => `custom_keys['${w.entry}']`);
    const related = where.slice(1).map((w) => ({ span: w.span, message: `custom_keys['${w.entry}'].${key}` }));
    const carriedBy =
      where.length === 1 ? entries[0] : `${entries.length} custom keys (${examples(entries, entries.length)})`;
    if (hooks.length) {
      out.push(
        makeDiag(
          Code.unknownKey,
          `${opt} does not read '${key}' from its param groups; a hook may (${examples(hooks, hooks.length)}). ` +
            `MMEngine copies the item of ${carriedBy} into the group, where hooks in custom_hooks can read it.`,
          first.span,
          { severity: 'hint', related },
        ),
      );
      continue;
    }
    const cfg = getDict(customKeys, first.entry);
    if (defaultsKeysRead(site.optimizerType).includes(key)) {
      out.push(
        makeDiag(
          Code.unknownKey,
          `${opt} reads '${key}' from its defaults only, so the value in custom_keys is ignored. ` +
            `MMEngine copies it into the param group of ${carriedBy}, but ${opt}.step() takes ${key} from optimizer=dict(...) for every group.`,
          first.span,
          { related },
        ),
      );
      continue;
    }
    const guess = closest(key, allowed!);
    const effect = `MMEngine copies it into the param group of ${carriedBy}, and neither the constructor nor ${opt} reads it there.`;
    out.push(
      guess
        ? makeDiag(
            Code.misspelledKey,
            `'${key}' in custom_keys is not read by anything; did you mean '${guess}'? ${effect}`,
            first.span,
            { related, fixes: cfg ? renameFix(cfg, key, guess, ctx.sources) : [] },
          )
        : makeDiag(
            Code.unknownKey,
            `'${key}' in custom_keys is not read by anything. ${effect} A custom key reads lr_mult and decay_mult; the group keys ${opt} reads are ${allowed!.filter((k) => !CUSTOM_KEY_ITEMS.includes(k)).join(', ')}.`,
            first.span,
            { related },
          ),
    );
  }
}

/** Types of the hooks in custom_hooks: any of them may read keys from the param groups. */
function customHooks(ctx: ServiceContext): string[] {
  const hooks = ctx.root.get('custom_hooks');
  if (!(hooks instanceof PyList)) return [];
  return hooks.items.flatMap((h) => {
    const t = h instanceof PyDict ? typeName(h.get('type')) : undefined;
    return t ? [t] : [];
  });
}
