// Parsed listings, kept while a config uses them: a 100k-parameter listing takes a while to
// parse, and a config edit must not pay for it again. Keyed by the file's stamp (open buffer
// version, or size + mtime on disk) so any change re-reads it. A listing read from disk keeps
// its line index, not a second copy of its text (megabytes for 100k parameters); an open
// one's text is the editor buffer's own string and costs nothing to keep. The size limit
// (paramwise.analysis.maxListingSizeMB) is part of the key: raising it reads a refused listing.
// What trust refuses is decided before the cache is looked at, so a grant or a new workspace
// folder needs no invalidation.

import type { ListingResult } from '../core/listing/model.ts';
import { LineIndex } from '../core/positions.ts';
import { FileSource } from './files.ts';
import { listingTooLargeMessage, readListing } from './service.ts';

export type LoadedListing =
  | { ok: true; path: string; result: ListingResult; lines: LineIndex; text?: string }
  | {
      ok: false;
      path: string;
      code: 'paramwise-listing-missing' | 'paramwise-file-too-large' | 'paramwise-outside-workspace';
      message: string;
    };

export class ListingCache {
  private readonly entries = new Map<string, { stamp: string; maxBytes: number; loaded: LoadedListing }>();

  constructor(private readonly files: FileSource) {}

  /** `own`: the listing is the open document being analysed (read wherever it lies). */
  load(path: string, maxBytes: number, own = false): LoadedListing {
    const refused = own && this.files.openDocument(path) ? undefined : this.files.trust.refusal(path);
    if (refused) return { ok: false, path, code: 'paramwise-outside-workspace', message: `${path}: ${refused}.` };
    const stamp = this.files.stamp(path);
    const cached = this.entries.get(path);
    if (stamp && cached?.stamp === stamp && cached.maxBytes === maxBytes) return cached.loaded;
    const loaded = this.read(path, maxBytes, own);
    if (stamp) this.entries.set(path, { stamp, maxBytes, loaded });
    return loaded;
  }

  /** Drop listings no open document uses any more. */
  retain(inUse: Set<string>): void {
    for (const path of this.entries.keys()) if (!inUse.has(path)) this.entries.delete(path);
  }

  private read(path: string, maxBytes: number, own: boolean): LoadedListing {
    const read = this.files.readListing(path, maxBytes, own);
    if (read.kind === 'refused')
      return { ok: false, path, code: 'paramwise-outside-workspace', message: `${path}: ${read.reason}.` };
    if (read.kind === 'missing')
      return {
        ok: false,
        path,
        code: 'paramwise-listing-missing',
        message: `The parameter listing ${path} cannot be read.`,
      };
    // Refused here, before reading, so a huge file never enters memory; the core would refuse it too.
    if (read.kind === 'too-large')
      return {
        ok: false,
        path,
        code: 'paramwise-file-too-large',
        message: `${path}: ${listingTooLargeMessage(read.size, maxBytes)} Checks that need the model are skipped.`,
      };
    if (read.kind === 'text')
      return {
        ok: true,
        path,
        result: readListing(read.text, path, { maxBytes }),
        lines: new LineIndex(read.text),
        text: read.text,
      };
    // Safetensors headers are binary; their spans (if any) are not shown as text positions.
    const lines = new LineIndex(path.endsWith('.safetensors') ? '' : new TextDecoder().decode(read.bytes));
    return { ok: true, path, result: readListing(read.bytes, path, { maxBytes }), lines };
  }
}
