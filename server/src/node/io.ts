// The CLI's only contact with the outside world. Commands receive it so that tests can
// run them in-process with a fake file system and captured output.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CliIO {
  cwd: string;
  /** File bytes, or undefined when it does not exist or is not a file. */
  readBytes(path: string): Uint8Array | undefined;
  readText(path: string): string | undefined;
  writeText(path: string, text: string): void;
  stdout(text: string): void;
  /** Progress and errors; never mixed into machine-readable stdout. */
  stderr(text: string): void;
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;

export function nodeIO(): CliIO {
  const readBytes = (path: string): Uint8Array | undefined => {
    try {
      const full = resolve(path);
      return statSync(full).isFile() ? readFileSync(full) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    cwd: process.cwd(),
    readBytes,
    readText: (path) => {
      const bytes = readBytes(path);
      return bytes && new TextDecoder().decode(bytes);
    },
    writeText: (path, text) => {
      // Imported lazily so that the read-only commands never touch writeFileSync.
      require('node:fs').writeFileSync(resolve(path), text);
    },
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
}
