// Writes a listing as .params text (format: see paramsReader.ts). server/dumper/paramwise_dump.py
// writes the same text byte for byte (test/core/listing/dumper.test.ts holds them together).

import type { LocalParam, ModelListing, ModuleEntry } from './model.ts';
import { formatClassExpr } from './classExpr.ts';
import { rawBackbone } from './backbone.ts';

export interface ParamsWriteOptions {
  /** 'essential': only what the resolvers read (in_channels, groups); 'all': every recorded attribute. */
  attrs?: 'essential' | 'all';
}

export const PARAMS_BANNER = [
  '# paramwise params v1: one line per parameter visit, in add_params order',
  '# name  shape  owner class  [frozen] [depth=K/N] [dtype=...]  [= first name of the same Parameter]',
];

const NAME_COLUMN_MAX = 60;
const SHAPE_COLUMN_MAX = 24;

type Row = [first: string, shape: string, rest: string];

export function writeParamsText(listing: ModelListing, options: ParamsWriteOptions = {}): string {
  const depths = listing.hooks.getLayerDepth ?? undefined;
  const depthWritten = new Set<string>();
  const rows = entryRows(listing.modules, options.attrs ?? 'essential', (fullName) => {
    if (!depths || !(fullName in depths)) return undefined;
    depthWritten.add(fullName);
    const depth = depths[fullName];
    return depth ? `depth=${depth[0]}/${depth[1]}` : 'depth=none';
  });
  const lines = [...PARAMS_BANNER, ...directives(listing, depthWritten)];
  const nameWidth = Math.min(NAME_COLUMN_MAX, widest(rows, 0));
  const shapeWidth = Math.min(SHAPE_COLUMN_MAX, widest(rows, 1));
  for (const [first, shape, rest] of rows)
    lines.push(`${first.padEnd(nameWidth)}  ${shape.padEnd(shapeWidth)}  ${rest}`.trimEnd());
  return lines.join('\n') + '\n';
}

function widest(rows: Row[], column: 0 | 1): number {
  let width = 0;
  for (const row of rows) width = Math.max(width, row[column].length);
  return width;
}

function entryRows(
  modules: ModuleEntry[],
  attrs: 'essential' | 'all',
  depthFlag: (fullName: string) => string | undefined,
): Row[] {
  const rows: Row[] = [];
  const firstPath = new Map<number, string>();
  const firstName = new Map<number, string>();
  for (const m of modules) {
    const sameAs = firstPath.get(m.moduleId);
    if (sameAs === undefined) firstPath.set(m.moduleId, m.path);
    // An inferred class is left out, so reading the text back infers (and says so) again.
    const classInferred = m.inferred?.some((fact) => fact.startsWith('class:')) ?? false;
    let cls = classInferred ? '' : formatClassExpr(m, attrs);
    if (sameAs !== undefined || !m.params.length) {
      rows.push([m.path || '.', '', columns(cls, [], sameAs === undefined ? undefined : sameAs || '.')]);
      cls = classInferred ? '' : formatClassExpr(m, 'none');
    }
    for (const p of m.params) {
      const fullName = m.path ? `${m.path}.${p.name}` : p.name;
      const tiedTo = firstName.get(p.tensorId);
      if (tiedTo === undefined) firstName.set(p.tensorId, fullName);
      rows.push([
        fullName,
        `[${p.shape.join(', ')}]`,
        columns(cls, flags(p, tiedTo === undefined ? depthFlag(fullName) : undefined), tiedTo),
      ]);
      cls = classInferred ? '' : formatClassExpr(m, 'none');
    }
  }
  return rows;
}

function flags(p: LocalParam, depth: string | undefined): string[] {
  const out: string[] = [];
  if (!p.requiresGrad) out.push('frozen');
  if (depth) out.push(depth);
  if (p.dtype) out.push(`dtype=${p.dtype}`);
  return out;
}

function columns(cls: string, flagList: string[], tiedTo: string | undefined): string {
  const parts = cls ? [cls, ...flagList] : flagList;
  if (tiedTo !== undefined) parts.push(`= ${tiedTo}`);
  return parts.join('  ');
}

function directives(listing: ModelListing, depthWritten: Set<string>): string[] {
  const h = listing.hooks;
  const out: string[] = [];
  if (listing.modelId !== undefined) out.push(`@model ${listing.modelId}`);
  if (listing.env !== undefined) out.push(`@env ${listing.env}`);
  if (h.noWeightDecay != null) out.push(`@no_weight_decay ${h.noWeightDecay.join(' ')}`.trimEnd());
  if (h.groupMatcher != null) out.push(`@group_matcher ${JSON.stringify(h.groupMatcher)}`);
  if (h.pretrainedCfgClassifier != null) {
    const c = h.pretrainedCfgClassifier;
    out.push(
      `@pretrained_cfg_classifier ${typeof c === 'string' && /^[^\s[]\S*$/.test(c) && c !== 'null' ? c : JSON.stringify(c)}`,
    );
  }
  if (h.getNumLayers != null) out.push(`@num_layers ${h.getNumLayers}`);
  if (h.getLayerDepth) {
    const extra = Object.entries(h.getLayerDepth).filter(([name]) => !depthWritten.has(name));
    for (const [name, depth] of extra) out.push(`@layer_depth ${name} ${depth ? `${depth[0]}/${depth[1]}` : 'none'}`);
    if (!extra.length && !depthWritten.size) out.push('@layer_depth');
  }
  if (listing.backbone) out.push(`@backbone ${JSON.stringify(rawBackbone(listing.backbone))}`);
  return out;
}
