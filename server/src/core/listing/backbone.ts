// mmpretrain backbone facts as the dumper records them (`meta.mmpretrain_backbone`, snake_case)
// and as resolvers read them (BackboneInfo, camelCase). Both spellings are kept so a listing
// can be written back exactly as it was read.

import type { BackboneInfo } from './model.ts';

const DERIVED: Record<string, string> = {
  classQualified: 'class_qualified',
  numLayers: 'num_layers',
  embedDims: 'embed_dims',
};

export function normalizeBackbone(raw: unknown): BackboneInfo | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const info: BackboneInfo = { ...(raw as Record<string, unknown>) };
  for (const [camel, snake] of Object.entries(DERIVED))
    if (info[snake] !== undefined && info[camel] === undefined) info[camel] = info[snake];
  if (typeof info.classQualified === 'string' && info.className === undefined && 'class_qualified' in info) {
    info.className = info.classQualified.slice(info.classQualified.lastIndexOf('.') + 1);
  }
  return info;
}

/** The dumper's own spelling: the derived camelCase keys dropped again. */
export function rawBackbone(info: BackboneInfo): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...info };
  for (const [camel, snake] of Object.entries(DERIVED)) if (snake in raw) delete raw[camel];
  if ('class_qualified' in raw) delete raw.className;
  return raw;
}
