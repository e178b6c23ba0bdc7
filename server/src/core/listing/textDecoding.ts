// Bytes to listing text, refusing what is not text: checkpoints and other binary files get a
// clear positioned error instead of a screen of "not a `name shape` line" warnings.

import type { ListingProblem } from './model.ts';

export interface BinaryHit {
  offset: number;
  what: string;
}

const CHECKPOINT_HINT =
  ' A torch.save checkpoint (.pt/.pth) holds tensors, not the model: run server/dumper/paramwise_dump.py on the model, or print its named_parameters().';
const MAGIC: Array<[bytes: number[], what: string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x80], 'a Python pickle'],
  [[0x89, 0x48, 0x44, 0x46], 'an HDF5 file'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy array'],
  [[0x47, 0x47, 0x55, 0x46], 'a GGUF model file'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable'],
];
const SNIFF = 8192;

export type DecodedBytes = { text: string; problems: ListingProblem[] } | { binary: ListingProblem };

/** Decodes the bytes (UTF-8, or UTF-16 with a BOM); the caller has already checked their size. */
export function decodeListingBytes(bytes: Uint8Array, file: string): DecodedBytes {
  const binary = (offset: number, what: string): DecodedBytes => ({
    binary: {
      severity: 'error',
      code: 'listing-binary',
      message: `Binary file, not a model listing: ${what} at byte ${offset}.${what.includes('zip') || what.includes('pickle') ? CHECKPOINT_HINT : ''}`,
      span: { file, start: offset, end: offset + 1 },
    },
  });
  const magic = MAGIC.find(
    ([m]) => m.every((b, i) => bytes[i] === b) && !(m.length === 1 && !isPickleProtocol(bytes[1])),
  );
  if (magic) return binary(0, magic[1]);
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : undefined;
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes.subarray(2)), problems: [] };
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const nul = body.indexOf(0);
  if (nul >= 0) return binary(start + nul, 'a NUL byte');
  const text = new TextDecoder('utf-8').decode(body);
  const problems: ListingProblem[] = [];
  const invalid = text.indexOf('\ufffd');
  if (invalid >= 0) {
    const offset = start + byteOffsetOf(text, invalid);
    if (replacementShare(text) > 0.01) return binary(offset, 'bytes that are not UTF-8 text');
    problems.push({
      severity: 'warning',
      code: 'listing-encoding',
      message: 'The listing is not valid UTF-8 here; the bytes were replaced.',
      span: { file, start: offset, end: offset + 1 },
    });
  }
  const control = findBinaryChar(text);
  if (control) return binary(start + byteOffsetOf(text, control.offset), control.what);
  return { text, problems };
}

/** NUL, or mostly control characters in the first few KB (a stray ANSI colour code is fine). */
export function findBinaryChar(text: string): BinaryHit | undefined {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { offset: nul, what: 'a NUL character' };
  let controls = 0;
  let first = -1;
  const end = Math.min(text.length, SNIFF);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) {
      controls++;
      if (first < 0) first = i;
    }
  }
  return controls > end / 10 ? { offset: first, what: 'control characters' } : undefined;
}

const isPickleProtocol = (b: number | undefined): boolean => b !== undefined && b >= 2 && b <= 5;

function replacementShare(text: string): number {
  const end = Math.min(text.length, SNIFF);
  let n = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 0xfffd) n++;
  return n / Math.max(1, end);
}

/** UTF-8 byte offset of a char offset (only computed for an error position). */
function byteOffsetOf(text: string, charOffset: number): number {
  return new TextEncoder().encode(text.slice(0, charOffset)).length;
}
