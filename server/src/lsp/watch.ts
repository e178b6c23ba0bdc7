// Re-analysis when a dependency (a listing, a `_base_` file) changes on disk. Clients that can
// register file watchers dynamically send workspace/didChangeWatchedFiles; for the others
// (Neovim 0.7, simple clients) the server watches the dependencies' folders itself.

import { existsSync, watch, type FSWatcher } from 'node:fs';
import { DidChangeWatchedFilesNotification, FileChangeType, type Connection } from 'vscode-languageserver/node';
import { uriToPath } from './files.ts';
import type { Logger } from './log.ts';

export type ChangeKind = 'changed' | 'created' | 'deleted';
export type OnFileChange = (path: string, kind: ChangeKind) => void;

const CLIENT_GLOB = '**/*.{params,json,py,yaml,yml,safetensors,txt}';

/** Ask the client to send file events; false when it cannot register watchers dynamically. */
export async function registerClientWatcher(connection: Connection, canRegister: boolean): Promise<boolean> {
  if (!canRegister) return false;
  await connection.client.register(DidChangeWatchedFilesNotification.type, {
    watchers: [{ globPattern: CLIENT_GLOB }],
  });
  return true;
}

export function fromClientEvent(change: {
  uri: string;
  type: FileChangeType;
}): { path: string; kind: ChangeKind } | undefined {
  const path = uriToPath(change.uri);
  if (!path) return undefined;
  const kind: ChangeKind =
    change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed';
  return { path, kind };
}

/** Watches the folders of the given files (editors save by rename, which ends a watch on the file itself). */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private files = new Set<string>();

  constructor(
    private readonly onChange: OnFileChange,
    private readonly log: Logger,
  ) {}

  sync(files: Set<string>): void {
    this.files = files;
    const dirs = new Set([...files].map((f) => f.slice(0, f.lastIndexOf('/')) || '/'));
    for (const [dir, w] of this.watchers) {
      if (dirs.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const dir of dirs) if (!this.watchers.has(dir)) this.watch(dir);
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private watch(dir: string): void {
    try {
      const w = watch(dir, { persistent: false }, (event, name) => {
        const path = `${dir}/${name ?? ''}`;
        if (!name || !(this.files.has(path) || path.endsWith('.params'))) return;
        // A rename that makes a file nobody depended on appear is a new listing for discovery.
        const kind: ChangeKind = !existsSync(path)
          ? 'deleted'
          : event === 'rename' && !this.files.has(path)
            ? 'created'
            : 'changed';
        this.onChange(path, kind);
      });
      w.on('error', (e) => this.log.error(`paramwise: watching ${dir} stopped`, e));
      this.watchers.set(dir, w);
    } catch (e) {
      this.log.error(`paramwise: cannot watch ${dir}`, e);
    }
  }
}
