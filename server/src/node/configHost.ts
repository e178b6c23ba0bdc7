// The config loader's host on a real file system (the core never touches fs itself).

import { resolve } from 'node:path';
import type { CliIO } from './io.ts';

export function configHost(io: CliIO): {
  readFile(path: string): string | undefined;
  env: Record<string, string | undefined>;
} {
  return { readFile: (path) => io.readText(resolve(io.cwd, path)), env: process.env };
}
