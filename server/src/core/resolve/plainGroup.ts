// `optimizer(model.parameters())`: one group with every parameter, frozen ones included.

import type { ModelListing } from '../listing/model.ts';
import { namedParameters } from './listingViews.ts';
import type { RawGroup } from './types.ts';

export function plainParamsGroup(listing: ModelListing): RawGroup {
  const params = namedParameters(listing);
  return {
    entries: [],
    params,
    traces: params.map(() => ({
      rule: 'default',
      label: 'optimizer defaults (no paramwise_cfg: one group)',
      shadowed: [],
    })),
  };
}
