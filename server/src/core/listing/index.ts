// The one entry point for model listings: detects the format (dumper JSON, .params text,
// plain `name shape` dump, safetensors header), guards against input that is not a listing
// (binary files, huge files) and returns a best-effort listing with positioned problems.
// Never throws: a reader bug becomes a problem too.

import type { ListingFormat, ListingProblem, ListingResult } from './model.ts';
import { emptyListing, readDumperJson } from './dumperJson.ts';
import { looksLikeParamsText, readParamsText } from './paramsReader.ts';
import { readPlainDump } from './plainDump.ts';
import { looksLikeSafetensors, readSafetensors } from './safetensors.ts';
import { decodeListingBytes, findBinaryChar } from './textDecoding.ts';

export { readDumperJson } from './dumperJson.ts';
export { readParamsText } from './paramsReader.ts';
export { writeParamsText } from './paramsWriter.ts';
export { readPlainDump } from './plainDump.ts';
export { readSafetensors, safetensorsBytesNeeded } from './safetensors.ts';

export interface ListingLimits {
  /**
   * Listings over this many bytes (characters for text already decoded) are refused, not read.
   * The core has no default of its own: adapters pass their knob, `--max-listing-mb` or
   * `paramwise.analysis.maxListingSizeMB` (both default to DEFAULT_SETTINGS' 256 MB). Absent,
   * nothing is refused (tests and benchmarks). Safetensors files are exempt: only their
   * header is read, which has its own bound (SAFETENSORS_HEADER_LIMIT).
   */
  maxBytes?: number;
}

/** The one message for a listing over the limit, whichever adapter refuses it. */
export function listingTooLargeMessage(size: number, maxBytes: number): string {
  return `The listing is ${megabytes(size)}, over the limit of ${megabytes(maxBytes)} (--max-listing-mb / paramwise.analysis.maxListingSizeMB); it is not read.`;
}

export function readListing(input: Uint8Array | string, file: string, limits: ListingLimits = {}): ListingResult {
  try {
    return detectAndRead(input, file, limits);
  } catch (e) {
    return failed(file, 'dumper-json', {
      severity: 'error',
      code: 'listing-internal-error',
      message: `The listing could not be read (${(e as Error)?.message ?? e}).`,
      span: { file, start: 0, end: 0 },
    });
  }
}

function detectAndRead(input: Uint8Array | string, file: string, { maxBytes }: ListingLimits): ListingResult {
  if (typeof input !== 'string' && (/\.safetensors$/i.test(file) || looksLikeSafetensors(input)))
    return readSafetensors(input, file);
  // Refused before decoding: a partial listing would only give misleading "matches nothing" findings.
  if (maxBytes !== undefined && input.length > maxBytes) {
    return failed(file, /\.json$/i.test(file) ? 'dumper-json' : 'params-text', {
      severity: 'error',
      code: 'listing-too-large',
      message: listingTooLargeMessage(input.length, maxBytes),
      span: { file, start: 0, end: 1 },
    });
  }
  const decoded = typeof input === 'string' ? stringInput(input, file) : decodeListingBytes(input, file);
  if ('binary' in decoded) return failed(file, 'params-text', decoded.binary);
  const { text, problems } = decoded;
  const json = /\.json$/i.test(file) || text.charCodeAt(firstNonSpace(text)) === 123; /* { */
  const result = json ? readDumperJson(text, file) : readTextListing(text, file);
  return { listing: result.listing, problems: [...problems, ...result.problems] };
}

function readTextListing(text: string, file: string): ListingResult {
  if (looksLikeParamsText(text)) return readParamsText(text, file);
  if (!/\.params$/i.test(file)) return readPlainDump(text, file);
  // A .params file without a class column or directive may just be a plain dump saved as one.
  const strict = readParamsText(text, file);
  if (strict.listing.params.length || !strict.problems.some((p) => p.severity === 'error')) return strict;
  const plain = readPlainDump(text, file);
  return plain.listing.params.length ? plain : strict;
}

type Decoded = { text: string; problems: ListingProblem[] } | { binary: ListingProblem };

function stringInput(text: string, file: string): Decoded {
  const bad = findBinaryChar(text);
  if (bad !== undefined)
    return {
      binary: {
        severity: 'error',
        code: 'listing-binary',
        message: `Binary file, not a model listing: ${bad.what} at offset ${bad.offset}.`,
        span: { file, start: bad.offset, end: bad.offset + 1 },
      },
    };
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, problems: [] };
}

function firstNonSpace(text: string): number {
  let i = 0;
  for (let c = text.charCodeAt(0); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  return i;
}

/** 312 MB, 51.5 MB, 0.00098 MB: three significant digits, so a tiny limit does not read as 0.0 MB. */
const megabytes = (n: number): string => `${Number((n / 2 ** 20).toPrecision(3))} MB`;

function failed(file: string, format: ListingFormat, problem: ListingProblem): ListingResult {
  return { listing: { ...emptyListing(file), format }, problems: [problem] };
}
