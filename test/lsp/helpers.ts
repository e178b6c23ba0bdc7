// Shared bits of the LSP tests: fixture copies in a temp folder, caret-marked positions.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { positionAt, ROOT } from './lspClient.ts';

export const FIXTURES = resolve(ROOT, 'test/fixtures/lsp');
export const EXAMPLES = resolve(ROOT, 'examples');

/** A private copy of a fixture folder, for tests that write files on disk. */
export function tempCopy(fixture: string): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'paramwise-lsp-'));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The position of the `|` in `marked` inside `text` (the caret itself is not in the text). */
export function caret(text: string, marked: string): { line: number; character: number } {
  const at = marked.indexOf('|');
  const needle = marked.replace('|', '');
  const start = text.indexOf(needle);
  if (at < 0 || start < 0) throw new Error(`caret text ${JSON.stringify(marked)} not found`);
  return positionAt(text, start + at);
}
