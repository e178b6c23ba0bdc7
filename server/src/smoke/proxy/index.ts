// Which proxy a smoke run trains: one built from the listing (same names, real depth, scaled
// widths) when its layers chain into a model, else the fallback transformer.

import type { ModelListing } from '../../core/listing/model.ts';
import { fallbackProxy } from './fallback.ts';
import { compileListingProxy } from './program.ts';
import { autoDivisor, divisorFromScale } from './scale.ts';
import type { ProxySpec } from './types.ts';

export type { ProxySpec, Step, ProxyParam, InputSpec, ProxyFamily } from './types.ts';

export interface ProxyOptions {
  /** Widths × this; undefined picks a factor that brings the typical width near 32. */
  widthScale?: number;
  /** Skip the listing and train the fallback (the benchmark compares it with PyTorch). */
  forceFallback?: boolean;
}

export function buildProxy(listing: ModelListing, options: ProxyOptions = {}): ProxySpec {
  if (options.forceFallback) return fallbackProxy('requested (--proxy fallback)');
  if (!listing.params.length) return fallbackProxy('the listing has no parameters');
  if (!listing.modules.some((m) => m.params.length))
    return fallbackProxy('the listing has parameter names but no modules (module kinds unknown)');
  const divisor = options.widthScale === undefined ? autoDivisor(listing) : divisorFromScale(options.widthScale);
  const outcome = compileListingProxy(listing, divisor);
  return 'spec' in outcome ? outcome.spec : fallbackProxy(outcome.reason);
}
