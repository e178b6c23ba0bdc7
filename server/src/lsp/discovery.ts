// Auto-discovery of parameter listings: next to the config first, then anywhere in the
// workspace, a listing with the config's own basename ranked above all others. The workspace
// scan is bounded (it runs in the server process, possibly over a huge checkout) and cached
// until a listing file is created or deleted.

import { readdirSync, openSync, readSync, closeSync } from 'node:fs';
import { looksLikeDumperJson } from '../core/listing/dumperJson.ts';

export interface Candidate {
  path: string;
  reason: string;
  rank: number;
}

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'dist', 'build', 'out', 'work_dirs']);
const MAX_DIRS = 4000;
const MAX_DEPTH = 8;
const SCAN_TTL_MS = 30_000;

export class ListingDiscovery {
  private readonly scans = new Map<string, { at: number; files: string[] }>();

  /** Forget cached scans: a listing appeared or disappeared. */
  invalidate(): void {
    this.scans.clear();
  }

  /**
   * Every listing worth offering for `configPath`, best first; none that `refused` says may not
   * be read (an untrusted workspace: nothing outside its folders, symlinks resolved), and such
   * files are not opened to tell a dumper JSON from a config either.
   */
  candidates(configPath: string, folders: string[], refused: (path: string) => boolean = () => false): Candidate[] {
    const dir = dirOf(configPath);
    const stem = stemOf(configPath);
    const seen = new Map<string, Candidate>();
    const consider = (path: string): void => {
      if (path === configPath || seen.has(path) || refused(path)) return;
      seen.set(path, rate(path, dir, stem));
    };
    for (const file of listDir(dir))
      if (!refused(`${dir}/${file}`) && isListingFile(`${dir}/${file}`)) consider(`${dir}/${file}`);
    for (const folder of folders) for (const path of this.scan(folder)) consider(path);
    return [...seen.values()].sort((a, b) => a.rank - b.rank || a.path.localeCompare(b.path));
  }

  private scan(folder: string): string[] {
    const cached = this.scans.get(folder);
    if (cached && Date.now() - cached.at < SCAN_TTL_MS) return cached.files;
    const files: string[] = [];
    const queue: [string, number][] = [[folder, 0]];
    for (let visited = 0; queue.length && visited < MAX_DIRS; visited++) {
      const [dir, depth] = queue.shift()!;
      for (const entry of listDirEntries(dir)) {
        const full = `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          if (depth < MAX_DEPTH && !entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name))
            queue.push([full, depth + 1]);
        } else if (entry.name.endsWith('.params')) files.push(full);
      }
    }
    this.scans.set(folder, { at: Date.now(), files });
    return files;
  }
}

function rate(path: string, configDir: string, configStem: string): Candidate {
  const stem = stemOf(path);
  const nearby = dirOf(path) === configDir;
  if (stem === configStem) return { path, reason: 'same basename as the config', rank: nearby ? 0 : 1 };
  if (configStem.startsWith(stem) || stem.startsWith(configStem))
    return { path, reason: 'basename shares a prefix with the config', rank: nearby ? 2 : 3 };
  if (nearby) return { path, reason: 'next to the config', rank: 4 };
  return { path, reason: 'in the workspace', rank: 5 + distance(configDir, dirOf(path)) };
}

/** `.params` always; `.json` only when it is the dumper's format (configs can be JSON too). */
export function isListingFile(path: string): boolean {
  if (path.endsWith('.params')) return true;
  if (!path.endsWith('.json')) return false;
  return looksLikeDumperJson(readHead(path));
}

function readHead(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function listDir(dir: string): string[] {
  return listDirEntries(dir)
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

function listDirEntries(dir: string): import('node:fs').Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function distance(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  let common = 0;
  while (common < pa.length && common < pb.length && pa[common] === pb[common]) common++;
  return pa.length + pb.length - 2 * common;
}

export const dirOf = (path: string): string => path.slice(0, Math.max(path.lastIndexOf('/'), 0)) || '/';

export function stemOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
