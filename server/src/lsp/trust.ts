// What the server may read in an untrusted workspace: only files whose real path (symlinks
// resolved) is inside a workspace folder. A config in an untrusted checkout could otherwise
// name any file on the machine (`# paramwise: params=/etc/shadow`, a `_base_` path, a symlink,
// the listing.pairs setting) and have its contents shown in hovers and diagnostics. A trusted
// workspace, and a client that says nothing about trust (any LSP client but VS Code), reads as
// before. Every read of a listing or config file goes through FileSource, which asks here.

import { realpathSync } from 'node:fs';
import { posix } from 'node:path';

/** Said at the place that named the file (a directive, a `_base_` entry) or at the top of the config. */
export const NOT_READ_UNTRUSTED = 'not read: outside the workspace folders, and this workspace is not trusted';

export class WorkspaceTrust {
  private trustedNow = true;
  /** Real paths of the workspace folders. */
  private roots: string[] = [];

  get trusted(): boolean {
    return this.trustedNow;
  }

  /** True when it changed. */
  setTrusted(trusted: boolean): boolean {
    const changed = trusted !== this.trustedNow;
    this.trustedNow = trusted;
    return changed;
  }

  setFolders(folders: string[]): void {
    this.roots = folders.map(realPath);
  }

  /** Why `path` must not be read, or undefined when it may be. */
  refusal(path: string): string | undefined {
    if (this.trustedNow) return undefined;
    const real = realPath(path);
    return this.roots.some((root) => real === root || real.startsWith(root.endsWith('/') ? root : `${root}/`))
      ? undefined
      : NOT_READ_UNTRUSTED;
  }
}

/**
 * The real path of `path`, also for a file that does not exist: its deepest existing folder
 * resolved, the rest appended (so a missing file outside is refused like an existing one, and
 * whether it exists is not revealed).
 */
export function realPath(path: string): string {
  const parts = posix.normalize(path.replace(/\\/g, '/')).split('/');
  for (let keep = parts.length; keep > 0; keep--) {
    const head = parts.slice(0, keep).join('/') || '/';
    try {
      const real = realpathSync.native(head).replace(/\\/g, '/');
      return [real, ...parts.slice(keep)].join('/').replace(/\/+/g, '/');
    } catch {
      // missing (or unreadable): try its folder
    }
  }
  return path;
}
