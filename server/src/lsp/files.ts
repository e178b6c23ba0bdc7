// Where text comes from: an open document's buffer first (unsaved edits count), the disk
// otherwise; in an untrusted workspace, never a file outside the workspace folders (trust.ts),
// open or not, except the very document being analysed. Also the URI ↔ path mapping: the core
// speaks POSIX-style paths, LSP speaks URIs, and an open document's URI is echoed back exactly
// as the client sent it.

import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceTrust } from './trust.ts';

export type FileRead =
  | { kind: 'text'; text: string; size: number }
  | { kind: 'bytes'; bytes: Uint8Array; size: number }
  | { kind: 'too-large'; size: number }
  | { kind: 'missing' }
  /** Not read: outside the workspace folders of an untrusted workspace (`reason` says so). */
  | { kind: 'refused'; reason: string };

/** The core's path for a file: URI path with '/' separators (`C:/x` on Windows). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri).replace(/\\/g, '/');
  } catch {
    return undefined;
  }
}

export class FileSource {
  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    readonly trust: WorkspaceTrust,
  ) {}

  /** The URI the client uses for this path when the file is open, else a file URI. */
  uriOf(path: string): string {
    for (const doc of this.documents.all()) if (uriToPath(doc.uri) === path) return doc.uri;
    return pathToFileURL(path).href;
  }

  openDocument(path: string): TextDocument | undefined {
    return this.documents.all().find((d) => uriToPath(d.uri) === path);
  }

  /**
   * Text of a file, refusing (without reading) anything over `maxBytes`. `own`: the file is the
   * open document being analysed, whose text the client sent; it is read wherever it lies.
   */
  readText(path: string, maxBytes: number, own = false): FileRead {
    const doc = this.openDocument(path);
    const refused = own && doc ? undefined : this.trust.refusal(path);
    if (refused) return { kind: 'refused', reason: refused };
    if (doc) {
      const text = doc.getText();
      return text.length > maxBytes
        ? { kind: 'too-large', size: text.length }
        : { kind: 'text', text, size: text.length };
    }
    const read = this.readBytes(path, maxBytes);
    return read.kind === 'bytes' ? { kind: 'text', text: new TextDecoder().decode(read.bytes), size: read.size } : read;
  }

  /** Raw bytes from disk (binary listings such as safetensors), or the open buffer's text. */
  readListing(path: string, maxBytes: number, own = false): FileRead {
    const doc = this.openDocument(path);
    if (doc) return this.readText(path, maxBytes, own);
    const refused = this.trust.refusal(path);
    if (refused) return { kind: 'refused', reason: refused };
    return this.readBytes(path, maxBytes);
  }

  /** Size and modification time, to key caches; undefined when missing or not to be read. */
  stamp(path: string): string | undefined {
    const doc = this.openDocument(path);
    if (doc) return `doc:${doc.uri}@${doc.version}`;
    if (this.trust.refusal(path)) return undefined;
    try {
      const s = statSync(path);
      return s.isFile() ? `disk:${s.size}:${s.mtimeMs}` : undefined;
    } catch {
      return undefined;
    }
  }

  private readBytes(path: string, maxBytes: number): FileRead {
    try {
      const s = statSync(path);
      if (!s.isFile()) return { kind: 'missing' };
      if (s.size > maxBytes) return { kind: 'too-large', size: s.size };
      return { kind: 'bytes', bytes: readFileSync(path), size: s.size };
    } catch {
      return { kind: 'missing' };
    }
  }
}
