// Hover: find what is under the cursor (a listing line, a custom key, an optimizer setting, a
// parameter name in a string) and explain it in Markdown.

import { PyDict, PyList, type Span } from '../pyvalue.ts';
import { getDict } from '../resolve/cfg.ts';
import { contains, contextOf, type ServiceContext } from './context.ts';
import {
  customKeyMarkdown,
  layerDecayMarkdown,
  lrMarkdown,
  optimizerTypeMarkdown,
  paramwiseKeyMarkdown,
} from './hoverConfig.ts';
import { paramMarkdown } from './hoverParam.ts';
import { paramAt } from './listingLookup.ts';
import { stringAt } from './pyScan.ts';
import { LAYER_DECAY_KEYS, PARAMWISE_DOCS } from './schema.ts';
import type { ConfigAnalysis, HoverInfo } from './types.ts';

export function hoverAt(analysis: ConfigAnalysis, file: string, offset: number): HoverInfo | undefined {
  const ctx = contextOf(analysis);
  if (file === ctx.listing?.file) return listingHover(ctx, file, offset);
  return configHover(ctx, file, offset) ?? stringHover(ctx, file, offset);
}

function listingHover(ctx: ServiceContext, file: string, offset: number): HoverInfo | undefined {
  const hit = paramAt(ctx, file, offset);
  const markdown = hit && paramMarkdown(ctx, hit.name);
  return hit && markdown ? { span: hit.span, markdown } : undefined;
}

function configHover(ctx: ServiceContext, file: string, offset: number): HoverInfo | undefined {
  for (const site of ctx.sites) {
    const customKeys = getDict(site.paramwise, 'custom_keys');
    const key = keyAt(customKeys, file, offset);
    if (key !== undefined) return { span: customKeys!.keySpans.get(key)!, markdown: customKeyMarkdown(ctx, site, key) };
    const opt = site.optimizer;
    const typeKey = site.layout === 'timm' ? 'opt' : 'type';
    const hitOpt = entryAt(opt, file, offset);
    if (hitOpt === typeKey) return { span: spanOfEntry(opt!, typeKey), markdown: optimizerTypeMarkdown(ctx, site) };
    if (hitOpt === 'lr' || hitOpt === 'weight_decay')
      return { span: spanOfEntry(opt!, hitOpt), markdown: lrMarkdown(ctx, site, hitOpt) };
    const hitPw =
      entryAt(site.paramwise, file, offset) ??
      (site.layout === 'timm' ? entryAt(site.wrapper, file, offset) : undefined);
    if (hitPw && hitPw in LAYER_DECAY_KEYS)
      return {
        span: spanOfEntry(site.paramwise ?? site.wrapper, hitPw),
        markdown: layerDecayMarkdown(ctx, site, hitPw),
      };
    if (hitPw && hitPw in PARAMWISE_DOCS && site.paramwise?.has(hitPw))
      return { span: spanOfEntry(site.paramwise, hitPw), markdown: paramwiseKeyMarkdown(ctx, site, hitPw) };
  }
  return undefined;
}

/** The key whose key span contains the offset. */
function keyAt(d: PyDict | undefined, file: string, offset: number): string | undefined {
  for (const k of d?.keys() ?? []) if (contains(d!.keySpans.get(k), file, offset)) return k;
  return undefined;
}

/** The key whose key or value span contains the offset (a nested dict value does not count). */
function entryAt(d: PyDict | undefined, file: string, offset: number): string | undefined {
  for (const k of d?.keys() ?? []) {
    if (contains(d!.keySpans.get(k), file, offset)) return k;
    const v = d!.get(k);
    if (!(v instanceof PyDict) && !(v instanceof PyList) && contains(d!.valueSpans.get(k), file, offset)) return k;
  }
  return undefined;
}

function spanOfEntry(d: PyDict, key: string): Span {
  const ks = d.keySpans.get(key);
  const vs = d.valueSpans.get(key);
  if (ks && vs && ks.file === vs.file)
    return { file: ks.file, start: Math.min(ks.start, vs.start), end: Math.max(ks.end, vs.end) };
  return (ks ?? vs)!;
}

/** A string literal anywhere in the config whose value is a parameter name. */
function stringHover(ctx: ServiceContext, file: string, offset: number): HoverInfo | undefined {
  const text = ctx.text(file);
  const s = text === undefined ? undefined : stringAt(text, offset);
  if (!s || !ctx.param(s.value)) return undefined;
  const markdown = paramMarkdown(ctx, s.value);
  return markdown ? { span: { file, start: s.start, end: s.end }, markdown } : undefined;
}
