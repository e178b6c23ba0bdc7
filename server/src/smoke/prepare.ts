// Everything a smoke run decides before its first step, without tfjs: the config and listing
// read and resolved, the proxy chosen (and the config resolved again against the fallback's
// names when it is used), the groups planned, the coverage audit, the wrapper settings and the
// compressed lr schedule.

import { aggregate } from '../core/analysis/aggregate.ts';
import { loadConfig, type ConfigHost } from '../core/config/index.ts';
import { readListing } from '../core/listing/index.ts';
import type { PyDict } from '../core/pyvalue.ts';
import { resolveConfig, type ResolvedOptimizer } from '../core/resolve/index.ts';
import type { SmokeAudit } from '../protocol/smokeReport.ts';
import { coverageAudit } from './audit.ts';
import { trainPlan, type TrainPlan } from './groups.ts';
import { buildProxy } from './proxy/index.ts';
import type { InputSpec, ProxySpec } from './proxy/types.ts';
import type { SmokeRequest } from './request.ts';
import { lrTable, type LrTable } from './schedule.ts';
import { wrapperSettings, type WrapperSettings } from './wrapperConfig.ts';

export interface Prepared {
  root: PyDict;
  optimizer: ResolvedOptimizer;
  proxy: ProxySpec;
  plan: TrainPlan;
  audit: SmokeAudit;
  wrapper: WrapperSettings;
  lr: LrTable;
  groupMapping: string;
  notes: string[];
}

export interface PrepareHost {
  readBytes(path: string): Uint8Array | undefined;
  config: ConfigHost;
}

export function prepare(request: SmokeRequest, host: PrepareHost): Prepared | { error: string } {
  const loaded = loadConfig(request.config, host.config);
  const configError = loaded.diagnostics.find((d) => d.severity === 'error');
  if (loaded.root.size === 0 && configError) return { error: `${request.config}: ${configError.message}` };
  const bytes = host.readBytes(request.listing);
  if (!bytes) return { error: `${request.listing}: cannot read the parameter listing` };
  const read = readListing(bytes, request.listing, { maxBytes: request.maxListingBytes });
  const tooLarge = read.problems.find((p) => p.code === 'listing-too-large');
  if (tooLarge) return { error: `${request.listing}: ${tooLarge.message}` };
  const listing = read.listing;
  const resolved = resolveConfig(loaded.root, listing);
  const optimizer = resolved.optimizers[0];
  if (!optimizer)
    return { error: resolved.diagnostics.find((d) => d.severity === 'error')?.message ?? 'no optimizer in the config' };
  if (optimizer.error)
    return {
      error: `the framework would raise ${optimizer.error.type}: ${optimizer.error.message} (training would not start)`,
    };
  const notes =
    resolved.optimizers.length > 1
      ? [
          `${resolved.optimizers.length} optimizers: only '${optimizer.name}' is trained; the others' parameters stay fixed`,
        ]
      : [];
  const proxy = buildProxy(listing, { widthScale: request.widthScale, forceFallback: request.proxy === 'fallback' });
  const proxyOptimizer =
    proxy.source === 'listing' ? optimizer : resolveConfig(loaded.root, proxy.listing).optimizers[0];
  if (!proxyOptimizer || proxyOptimizer.error)
    return {
      error: `the config's rules fail on the fallback proxy: ${proxyOptimizer?.error?.message ?? 'no optimizer'}`,
    };
  const plan = trainPlan(proxyOptimizer, proxy.listing, proxy.params);
  return {
    root: loaded.root,
    optimizer: proxyOptimizer,
    proxy,
    plan,
    notes,
    audit: coverageAudit(optimizer, listing),
    wrapper: wrapperSettings(loaded.root),
    lr: lrTable(loaded.root, proxyOptimizer, request.steps),
    groupMapping: groupMapping(optimizer, proxyOptimizer, proxy),
  };
}

function groupMapping(real: ResolvedOptimizer, used: ResolvedOptimizer, proxy: ProxySpec): string {
  const realSets = aggregate(real);
  if (proxy.source === 'listing')
    return `the listing's own parameter names: the config's ${real.groups.length} groups (${realSets.length} distinct settings) apply one to one`;
  const usedSets = aggregate(used);
  const label = (opt: ResolvedOptimizer, params: number[]) => opt.params[params[0]]?.trace.label ?? '';
  const usedRules = new Set(usedSets.map((s) => label(used, s.params)));
  const missing = [...new Set(realSets.map((s) => label(real, s.params)))].filter((rule) => !usedRules.has(rule));
  const unmatched = missing.length
    ? `; rules that match the real model but nothing in the fallback: ${missing.join(', ')}`
    : '';
  return `the config resolved against the fallback's PyTorch names: ${used.groups.length} groups in ${usedSets.length} distinct settings (real model: ${realSets.length})${unmatched}`;
}

export function describeProxy(proxy: ProxySpec, listingParams: number): string {
  if (proxy.source === 'fallback') return `fallback transformer classifier (${proxy.fallbackReason})`;
  const blocks = countBlocks(proxy);
  const scale = proxy.widthDivisor > 1 ? `widths ÷${proxy.widthDivisor}` : 'full widths';
  return `${proxy.family} proxy built from the listing: real depth (${blocks} residual units), ${scale}, all ${listingParams} parameters under their own names`;
}

function countBlocks(proxy: ProxySpec): number {
  let n = 0;
  const walk = (steps: ProxySpec['program']) =>
    steps.forEach((s) => {
      if (s.op === 'block') {
        n += 1;
        walk(s.body);
      }
    });
  walk(proxy.program);
  return n;
}

export function describeInput(input: InputSpec): string {
  switch (input.kind) {
    case 'image':
      return `${input.channels}×${input.height}×${input.width} image`;
    case 'tokens':
      return `${input.length} tokens × ${input.features} features`;
    case 'ids':
      return `${input.length} token ids (vocabulary ${input.vocab})`;
    case 'vector':
      return `${input.features} features`;
  }
}
