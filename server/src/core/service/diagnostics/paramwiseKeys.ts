// Keys inside paramwise_cfg and inside each custom_keys entry. Nothing validates them at run
// time: the constructor reads the keys it knows and silently drops the rest, and a custom
// key's items are copied into the param group where torch never looks (a typo such as
// `lr_mul` just does nothing, msight-tech/research-ms-loss #27).

import { PyDict } from '../../pyvalue.ts';
import { getDict } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import {
  BOOKKEEPING,
  CONSTRUCTORS,
  CUSTOM_KEY_ITEMS,
  customKeyItems,
  LAYER_DECAY_KEYS,
  type ConstructorSchema,
} from '../schema.ts';
import { isDefaultLike, MMCV_CONSTRUCTOR, type OptimSite } from '../sites.ts';
import { closest } from '../suggest.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { renameFix } from './keyFixes.ts';
import { makeDiag } from './make.ts';

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
        makeDiag(Code.ignoredKey, `paramwise_cfg.${key} has no effect with ${site.constructorName}: ${why}.`, span),
      );
      continue;
    }
    const guess = closest(key, known);
    if (guess) {
      out.push(
        makeDiag(
          Code.misspelledKey,
          `Unknown paramwise_cfg key '${key}' (did you mean '${guess}'?): ${site.constructorName} silently ignores keys it does not know, so this rule never applies.`,
          span,
          { fixes: renameFix(pw, key, guess, ctx.sources) },
        ),
      );
    } else {
      out.push(
        makeDiag(
          Code.unknownKey,
          `Unknown paramwise_cfg key '${key}': ${site.constructorName} silently ignores it. It reads ${schema.reads.join(', ')}.`,
          span,
        ),
      );
    }
  }
}

function checkCustomKeyItems(
  ctx: ServiceContext,
  site: OptimSite,
  schema: ConstructorSchema,
  out: ServiceDiagnostic[],
): void {
  const customKeys = getDict(site.paramwise, 'custom_keys');
  const allowed = customKeyItems(site.optimizerType);
  const mmcv = site.constructorName === MMCV_CONSTRUCTOR;
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
            `custom_keys['${name}'].${key} has no effect with ${site.constructorName}: ${ignored}.`,
            span,
          ),
        );
        continue;
      }
      if (allowed.includes(key) || BOOKKEEPING.has(key)) continue;
      const guess = closest(key, allowed);
      const effect = `MMEngine copies it into the param group, where ${site.optimizerType || 'the optimizer'} never reads it`;
      if (guess) {
        out.push(
          makeDiag(
            Code.misspelledKey,
            `custom_keys['${name}'] has '${key}' (did you mean '${guess}'?): ${effect}, so this key does not change what it seems to.`,
            span,
            { fixes: renameFix(cfg, key, guess, ctx.sources) },
          ),
        );
      } else {
        out.push(
          makeDiag(
            Code.unknownKey,
            `custom_keys['${name}'].${key} is not lr_mult, decay_mult or an argument of ${site.optimizerType || 'the optimizer'}: ${effect}.`,
            span,
          ),
        );
      }
    }
  }
}
