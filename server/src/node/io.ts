// The CLI's only contact with the outside world. Commands receive it so that tests can
// run them in-process with a fake file system and captured output.

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CliIO {
  cwd: string;
  /** File bytes, or undefined when it does not exist or is not a file. */
  readBytes(path: string): Uint8Array | undefined;
  /** Why readBytes gave nothing (`it is a directory, not a listing file`); hosts without it say "no such file". */
  whyUnreadable?(path: string): string;
  readText(path: string): string | undefined;
  writeText(path: string, text: string): void;
  stdout(text: string): void;
  /**
   * A big output in pieces, each written once the ones before it have left the process, so
   * that the whole text (tens of MB for a big model) is never made or queued at once. The
   * pieces are made as they are asked for. Hosts without it get them through `stdout`.
   */
  stdoutChunks?(chunks: Iterable<string>): Promise<void>;
  /** Progress and errors; never mixed into machine-readable stdout. */
  stderr(text: string): void;
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** Writes `chunks` to stdout through the host's chunked writer when it has one. */
export async function writeStdoutChunks(io: CliIO, chunks: Iterable<string>): Promise<void> {
  if (io.stdoutChunks) return io.stdoutChunks(chunks);
  for (const chunk of chunks) io.stdout(chunk);
}

/** The message for a parameter listing readBytes gave nothing for: a directory is not "no such file". */
export function unreadableListing(io: CliIO, path: string): string {
  return `${path}: cannot read the parameter listing (${io.whyUnreadable?.(path) ?? 'no such file'})`;
}

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
    whyUnreadable: (path) => {
      try {
        const stat = statSync(resolve(path));
        if (stat.isDirectory()) return 'it is a directory, not a listing file';
        return stat.isFile() ? 'it cannot be read' : 'it is not a regular file';
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : 'no such file';
      }
    },
    readText: (path) => {
      const bytes = readBytes(path);
      return bytes && new TextDecoder().decode(bytes);
    },
    writeText: (path, text) => {
      // Imported lazily so that the read-only commands never touch writeFileSync.
      require('node:fs').writeFileSync(resolve(path), text);
    },
    stdout: (text) => void process.stdout.write(text),
    stdoutChunks: (chunks) => writeWithBackpressure(process.stdout, chunks),
    stderr: (text) => void process.stderr.write(text),
  };
}

/**
 * Writes each chunk once the stream has taken the ones before it. A pipe to a slow reader
 * would otherwise queue everything in memory. A reader that goes away (`| head`) ends the
 * output quietly, as it does for other command-line tools; any other write error rejects.
 */
export async function writeWithBackpressure(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const onError = (error: NodeJS.ErrnoException): void => {
    failure ??= error;
    wake?.();
  };
  const onClose = (): void => {
    closed = true;
    wake?.();
  };
  const onDrain = (): void => wake?.();
  stream.on('error', onError);
  stream.on('close', onClose);
  stream.on('drain', onDrain);
  try {
    for (const chunk of chunks) {
      if (failure || closed) break;
      if (stream.write(chunk)) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    stream.off('drain', onDrain);
    stream.off('close', onClose);
    stream.off('error', onError);
    // A write still in flight may yet fail: a reader gone by then is no error either.
    if (!stream.listeners('error').includes(ignoreBrokenPipe)) stream.on('error', ignoreBrokenPipe);
  }
  if (failure && failure.code !== 'EPIPE') throw failure;
}

function ignoreBrokenPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}
