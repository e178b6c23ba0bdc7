// Reads the header of a .safetensors file: 8 bytes little-endian header length, then a JSON
// object {name: {dtype, shape, data_offsets}, "__metadata__": {...}}. Tensor data is never
// touched, so a multi-GB checkpoint costs only its header. Spans are byte offsets.

import type { ListingProblem, ListingResult, ModelListing } from './model.ts';
import { ListingBuilder } from './listingBuilder.ts';
import { emptyListing } from './dumperJson.ts';
import { jsonErrorInfo } from './jsonErrors.ts';
import { isKnownBuffer, stripWrapperPrefixes } from './stateDictNames.ts';
import { report } from './problems.ts';

export const SAFETENSORS_HEADER_LIMIT = 100 * 1024 * 1024;
const PREFIX_BYTES = 8;

interface TensorInfo {
  dtype?: unknown;
  shape?: unknown;
  data_offsets?: unknown;
}

/** A safetensors file starts with its header length and then `{`. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  return (
    bytes.length > PREFIX_BYTES && bytes[PREFIX_BYTES] === 0x7b && headerLength(bytes) <= bytes.length - PREFIX_BYTES
  );
}

/**
 * How many leading bytes `readSafetensors` needs: hosts can read just these from a multi-GB
 * file. Give it at least the first 8 bytes; undefined when the length is not plausible.
 */
export function safetensorsBytesNeeded(first8: Uint8Array): number | undefined {
  if (first8.length < PREFIX_BYTES) return undefined;
  const length = headerLength(first8);
  return length <= SAFETENSORS_HEADER_LIMIT ? PREFIX_BYTES + length : undefined;
}

function headerLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREFIX_BYTES);
  return view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
}

export function readSafetensors(bytes: Uint8Array, file: string): ListingResult {
  const fail = (code: string, message: string, start: number, end: number): ListingResult => ({
    listing: { ...emptyListing(file), format: 'safetensors' },
    problems: [{ severity: 'error', code, message, span: { file, start, end } }],
  });
  if (bytes.length < PREFIX_BYTES)
    return fail(
      'safetensors-truncated',
      `Too short for a safetensors file (${bytes.length} bytes; the header length alone takes 8).`,
      0,
      bytes.length,
    );
  const length = headerLength(bytes);
  if (length > SAFETENSORS_HEADER_LIMIT)
    return fail(
      'safetensors-header-too-large',
      `The header claims ${length} bytes; more than 100 MB is not a real safetensors header.`,
      0,
      PREFIX_BYTES,
    );
  // Only the header has to be present: a host may pass just the first safetensorsBytesNeeded() bytes.
  if (length > bytes.length - PREFIX_BYTES)
    return fail(
      'safetensors-truncated',
      `The header claims ${length} bytes but the file has only ${bytes.length - PREFIX_BYTES} after the length: truncated?`,
      0,
      PREFIX_BYTES,
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + length));
  } catch {
    return fail('safetensors-bad-header', 'The header is not UTF-8 text.', PREFIX_BYTES, PREFIX_BYTES + length);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    const info = jsonErrorInfo(text);
    return fail(
      'safetensors-bad-header',
      `The header is not valid JSON: ${info.message}.`,
      PREFIX_BYTES + info.offset,
      PREFIX_BYTES + info.offset + Math.max(1, info.length),
    );
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    return fail('safetensors-bad-header', 'The header is not a JSON object.', PREFIX_BYTES, PREFIX_BYTES + length);
  return fromHeader(header as Record<string, TensorInfo>, text, file);
}

function fromHeader(header: Record<string, TensorInfo>, text: string, file: string): ListingResult {
  const problems: ListingProblem[] = [];
  const builder = new ListingBuilder(problems, { classless: true });
  let buffers = 0;
  let renamed = 0;
  const offsets = keyOffsets(header, text);
  for (const key of tensorOrder(header)) {
    const at = offsets.get(key) ?? 0;
    const span = { file, start: PREFIX_BYTES + at, end: PREFIX_BYTES + at + key.length + 2 };
    const info = header[key];
    const shape = info?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      // Bounded: a header of a million bad entries must not become a million diagnostics.
      report(problems, {
        severity: 'warning',
        code: 'safetensors-bad-entry',
        message: `'${key}' has no valid shape; skipped.`,
        span,
      });
      continue;
    }
    const name = stripWrapperPrefixes(key);
    if (name !== key) renamed++;
    if (isKnownBuffer(name)) buffers++;
    else
      builder.addParam({
        name,
        shape: shape as number[],
        requiresGrad: true,
        dtype: typeof info.dtype === 'string' ? info.dtype : undefined,
        span,
      });
  }
  const { modules, params } = builder.finish();
  const listing: ModelListing = { format: 'safetensors', file, modules, params, hooks: {} };
  if (renamed)
    problems.push({
      severity: 'info',
      code: 'listing-wrapper-prefix',
      message: `${renamed} names lost a wrapper prefix (module., _orig_mod., _fsdp_wrapped_module.).`,
    });
  if (buffers)
    problems.push({
      severity: 'info',
      code: 'listing-buffers-dropped',
      message: `${buffers} buffers (running_mean, num_batches_tracked, ...) were left out: they are not parameters.`,
    });
  problems.push({
    severity: 'info',
    code: 'listing-inferred',
    message:
      "A safetensors file records names, shapes and dtypes only: module classes were inferred, requires_grad is assumed, tied weights are stored once, and the order may not be the model's. Use paramwise_dump.py for exact results.",
  });
  return { listing, problems };
}

/** Where each key is written (char offsets: headers are ASCII in practice). */
function keyOffsets(header: Record<string, TensorInfo>, text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  let cursor = 0;
  for (const key of Object.keys(header)) {
    // Keys come in the order they are written, so each search starts where the last one ended.
    const at = text.indexOf(JSON.stringify(key), cursor);
    if (at < 0) continue;
    offsets.set(key, at);
    cursor = at;
  }
  return offsets;
}

/**
 * The tensors, minus `__metadata__`. safetensors writers sort names as strings (so `blocks.10`
 * precedes `blocks.2`); such a header is put in natural order, closer to registration order.
 * A header in any other order was written deliberately and is kept.
 */
function tensorOrder(header: Record<string, TensorInfo>): string[] {
  const keys = Object.keys(header).filter((k) => k !== '__metadata__');
  const sorted = keys.every((k, i) => i === 0 || keys[i - 1] < k);
  return sorted ? keys.sort(naturalCompare) : keys;
}

function naturalCompare(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = /^\d+$/.test(pa[i]) ? Number(pa[i]) : NaN;
    const nb = /^\d+$/.test(pb[i]) ? Number(pb[i]) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}
