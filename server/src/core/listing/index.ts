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

/** Text listings above this are read only up to it (JSON not at all): nothing real is that big. */
export const LISTING_SIZE_LIMIT = 50 * 1024 * 1024;

export function readListing(input: Uint8Array | string, file: string): ListingResult {
  try {
    return detectAndRead(input, file);
  } catch (e) {
    return failed(file, 'dumper-json', { severity: 'error', code: 'listing-internal-error', message: `The listing could not be read (${(e as Error)?.message ?? e}).`, span: { file, start: 0, end: 0 } });
  }
}

function detectAndRead(input: Uint8Array | string, file: string): ListingResult {
  if (typeof input !== 'string' && (/\.safetensors$/i.test(file) || looksLikeSafetensors(input))) return readSafetensors(input, file);
  const decoded = typeof input === 'string' ? stringInput(input, file) : decodeListingBytes(input, file, LISTING_SIZE_LIMIT);
  if ('binary' in decoded) return failed(file, 'params-text', decoded.binary);
  const { text, size, problems } = decoded;
  const json = /\.json$/i.test(file) || text.charCodeAt(firstNonSpace(text)) === 123; /* { */
  if (json && size > LISTING_SIZE_LIMIT) {
    return failed(file, 'dumper-json', { severity: 'error', code: 'listing-too-large', message: `The JSON listing is ${megabytes(size)}; JSON listings over ${megabytes(LISTING_SIZE_LIMIT)} are not read. Write it as .params instead (paramwise_dump.py --format params).`, span: { file, start: 0, end: 1 } });
  }
  const bounded = size > LISTING_SIZE_LIMIT ? cutAtLine(text, LISTING_SIZE_LIMIT, size, file, problems) : text;
  const result = json ? readDumperJson(bounded, file) : readTextListing(bounded, file);
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

type Decoded = { text: string; size: number; problems: ListingProblem[] } | { binary: ListingProblem };

function stringInput(text: string, file: string): Decoded {
  const bad = findBinaryChar(text);
  if (bad !== undefined) return { binary: { severity: 'error', code: 'listing-binary', message: `Binary file, not a model listing: ${bad.what} at offset ${bad.offset}.`, span: { file, start: bad.offset, end: bad.offset + 1 } } };
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, size: text.length, problems: [] };
}

/** The first `limit` characters, ending at a line break, with a problem saying so. */
function cutAtLine(text: string, limit: number, size: number, file: string, problems: ListingProblem[]): string {
  const cut = Math.max(0, text.lastIndexOf('\n', Math.min(limit, text.length)));
  const lines = countLines(text, cut);
  problems.push({ severity: 'warning', code: 'listing-too-large', message: `The listing is ${megabytes(size)}: only its first ${megabytes(limit)} (${lines} lines) were read.`, span: { file, start: cut, end: cut + 1 } });
  return text.slice(0, cut);
}

function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function firstNonSpace(text: string): number {
  let i = 0;
  for (let c = text.charCodeAt(0); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  return i;
}

const megabytes = (n: number): string => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function failed(file: string, format: ListingFormat, problem: ListingProblem): ListingResult {
  return { listing: { ...emptyListing(file), format }, problems: [problem] };
}
