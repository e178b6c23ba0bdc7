// `--max-listing-mb N`, for every command that reads a listing (CLI groups and schedule, the
// smoke runner): the command-line twin of paramwise.analysis.maxListingSizeMB, with the same
// default. The core refuses listings over it (readListing's `maxBytes`).

import type { ListingLimits } from '../core/listing/index.ts';
import { DEFAULT_SETTINGS } from '../protocol/lsp.ts';
import { flagNumber, type ParsedArgs } from './args.ts';

export const MAX_LISTING_FLAG = 'max-listing-mb';

/** The limit the flag gives (DEFAULT_SETTINGS' 256 MB when absent), or what is wrong with it. */
export function listingLimits(args: ParsedArgs): Required<ListingLimits> | { error: string } {
  if (!args.flags.has(MAX_LISTING_FLAG)) return { maxBytes: DEFAULT_SETTINGS.analysis.maxListingSizeMB * 2 ** 20 };
  const mb = flagNumber(args, MAX_LISTING_FLAG);
  return mb !== undefined && mb > 0
    ? { maxBytes: mb * 2 ** 20 }
    : { error: `--${MAX_LISTING_FLAG} must be a positive number of megabytes` };
}
