// The smoke report an explorer panel charts: `<config>.smoke.json` beside the config (or where
// a run launched from the editor wrote it), read through workspace.fs, checked, and re-sent to
// the page whenever the file is created, rewritten or deleted.

import * as vscode from 'vscode';
import { defaultReportPath } from '../../../server/src/protocol/smokeReport.ts';
import { smokeReportMessage, type SmokeReportMessage } from '../../../server/src/protocol/webview.ts';

/** The runner rewrites the whole file; a change event can fire before it has finished. */
const REREAD_DEBOUNCE_MS = 200;

/** The panel's side of the feed. */
export interface SmokeReportPage {
  post(message: SmokeReportMessage): Thenable<boolean>;
  /** Whether the page is showing (a hidden one is torn down, and reloads when shown). */
  visible(): boolean;
  log(message: string): void;
}

export class SmokeReportFeed implements vscode.Disposable {
  private file: vscode.Uri;
  private watcher: vscode.FileSystemWatcher;
  private timer?: ReturnType<typeof setTimeout>;
  /** Bumped per read, so that a slow stale read never overwrites a newer one. */
  private generation = 0;
  /** Set by `reveal`; kept until a send reaches a page that is showing. */
  private revealPending = false;

  constructor(
    configUri: vscode.Uri,
    private readonly page: SmokeReportPage,
  ) {
    this.file = configUri.with({ path: defaultReportPath(configUri.path) });
    this.watcher = this.watch(this.file);
  }

  /** A run finished: follow the file it wrote (a task may name its own), and show the page's smoke tab. */
  reveal(reportUri: vscode.Uri | undefined): void {
    if (reportUri && reportUri.toString() !== this.file.toString()) {
      this.watcher.dispose();
      this.file = reportUri;
      this.watcher = this.watch(reportUri);
    }
    this.revealPending = true;
  }

  /** Reads the file now and posts what it holds (also what the page gets on 'ready'). */
  async send(): Promise<void> {
    const generation = ++this.generation;
    const message = await readSmokeReport(this.file);
    if (generation !== this.generation) return;
    if (this.revealPending) {
      if (message.report) message.reveal = true;
      // A hidden page reloads when shown and asks again: keep the reveal for that send.
      if (this.page.visible()) this.revealPending = false;
    }
    await this.page.post(message);
  }

  dispose(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
  }

  private watch(file: vscode.Uri): vscode.FileSystemWatcher {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), name),
    );
    const changed = (): void => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(
        () => void this.send().catch((e: unknown) => this.page.log(`explorer: smoke report: ${String(e)}`)),
        REREAD_DEBOUNCE_MS,
      );
    };
    watcher.onDidCreate(changed);
    watcher.onDidChange(changed);
    watcher.onDidDelete(changed);
    return watcher;
  }
}

/** The message for a report file: `report: null` when there is none, a `problem` when it cannot be read or checked. */
export async function readSmokeReport(file: vscode.Uri): Promise<SmokeReportMessage> {
  const shown = file.scheme === 'file' ? file.fsPath : file.toString();
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(file);
  } catch (e) {
    if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound')
      return { type: 'smokeReport', file: shown, report: null };
    return {
      type: 'smokeReport',
      file: shown,
      report: null,
      problem: `Cannot read ${shown}: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  return smokeReportMessage(shown, new TextDecoder().decode(bytes));
}
