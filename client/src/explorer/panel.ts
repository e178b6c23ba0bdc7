// One explorer panel per config: serves the page, answers its messages (validated on
// arrival), and sends new data when the config, its _base_ chain or the listing change.

import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import {
  EXPLORER_VIEW_TYPE,
  parsePageMessage,
  type ExplorerPayload,
  type HostToPage,
  type PageToHost,
} from '../../../server/src/protocol/webview.ts';
import { explorerHtml, makeNonce } from './html.ts';
import { revealParam } from './reveal.ts';
import { SmokeReportFeed } from './smokeReport.ts';
import { ExplorerUnavailable, type ExplorerDataOptions, type ExplorerDataSource, type ExplorerFocus } from './types.ts';

/** Quiet time after the last edit before the explorer recomputes (typing stays smooth). */
const REFRESH_DEBOUNCE_MS = 400;

export interface PanelContext {
  extensionUri: vscode.Uri;
  getData: ExplorerDataSource;
  log(message: string): void;
}

export class ExplorerPanel {
  private static readonly open = new Map<string, ExplorerPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly options: ExplorerDataOptions = {};
  private payload?: ExplorerPayload;
  private files = new Set<string>();
  private listingWatcher?: vscode.FileSystemWatcher;
  private watchedListing?: string;
  /** payload.params.names split, made on the first reveal. */
  private names?: string[];
  private timer?: ReturnType<typeof setTimeout>;
  /** Bumped per request, so that a slow stale answer never overwrites a newer one. */
  private generation = 0;
  /** Applied with the next data sent, then forgotten. */
  private focus?: ExplorerFocus;
  private readonly smoke: SmokeReportFeed;

  static show(configUri: vscode.Uri, ctx: PanelContext, focus?: ExplorerFocus): void {
    const existing = ExplorerPanel.open.get(configUri.toString());
    if (existing) {
      existing.panel.reveal(undefined, true);
      if (focus) {
        existing.focus = focus;
        void existing.refresh('data');
      }
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      EXPLORER_VIEW_TYPE,
      title(configUri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(ctx.extensionUri),
    );
    new ExplorerPanel(panel, configUri, ctx).focus = focus;
  }

  /** A smoke run of the config finished: open (or bring up) its panel on the smoke tab. */
  static showSmokeReport(configUri: vscode.Uri, ctx: PanelContext, reportUri?: vscode.Uri): void {
    const existing = ExplorerPanel.open.get(configUri.toString());
    if (!existing) ExplorerPanel.show(configUri, ctx);
    else existing.panel.reveal(undefined, true);
    const panel = ExplorerPanel.open.get(configUri.toString());
    panel?.smoke.reveal(reportUri);
    // A new page asks with 'ready'; an existing one is sent the report now.
    if (existing) void existing.sendSmokeReport();
  }

  /** Restores a panel VS Code kept across a reload (its serializer calls this). */
  static restore(panel: vscode.WebviewPanel, configUri: vscode.Uri, ctx: PanelContext): void {
    ExplorerPanel.open.get(configUri.toString())?.panel.dispose();
    panel.webview.options = webviewOptions(ctx.extensionUri);
    new ExplorerPanel(panel, configUri, ctx);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly configUri: vscode.Uri,
    private readonly ctx: PanelContext,
  ) {
    ExplorerPanel.open.set(configUri.toString(), this);
    panel.title = title(configUri);
    panel.webview.html = html(panel.webview, ctx.extensionUri);
    this.smoke = new SmokeReportFeed(configUri, {
      post: (m) => panel.webview.postMessage(m),
      visible: () => panel.visible,
      log: ctx.log,
    });
    this.disposables.push(
      this.smoke,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument((d) => this.changed(d.uri)),
    );
  }

  private receive(raw: unknown): void {
    const msg: PageToHost | undefined = parsePageMessage(raw);
    if (!msg)
      return this.ctx.log(`explorer: ignored an invalid message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
    if (msg.type === 'ready') {
      // A restored page remembers its options; the host starts without them.
      if (msg.itersPerEpoch !== undefined) this.options.itersPerEpoch = msg.itersPerEpoch;
      if (msg.optimizerIndex !== undefined) this.options.optimizerIndex = msg.optimizerIndex;
      void this.refresh('data');
      void this.sendSmokeReport();
    } else if (msg.type === 'options') {
      const scheduleOnly = msg.optimizerIndex === (this.options.optimizerIndex ?? 0);
      Object.assign(this.options, { itersPerEpoch: msg.itersPerEpoch, optimizerIndex: msg.optimizerIndex });
      void this.refresh(scheduleOnly ? 'schedule' : 'data');
    } else if (this.payload && this.nameOf(msg.param) === msg.name) {
      // Checked against the name: a reveal sent just before an update must not show another parameter.
      revealParam(this.payload, msg.param, msg.name).catch((e: unknown) =>
        this.ctx.log(`explorer: cannot reveal ${msg.name}: ${String(e)}`),
      );
    }
  }

  private sendSmokeReport(): Promise<void> {
    return this.smoke
      .send()
      .catch((e: unknown) => this.ctx.log(`explorer: smoke report: ${e instanceof Error ? e.message : String(e)}`));
  }

  private nameOf(param: number): string | undefined {
    this.names ??= this.payload?.params.names.split('\n');
    return this.names?.[param];
  }

  /** Edits to the config (or any file it was read from) and to the listing. */
  private changed(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || !(uri.toString() === this.configUri.toString() || this.files.has(uri.fsPath))) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh('data'), REFRESH_DEBOUNCE_MS);
  }

  private async refresh(kind: 'data' | 'schedule'): Promise<void> {
    const generation = ++this.generation;
    let message: HostToPage;
    const focus = this.focus;
    try {
      const payload = await this.fetch(focus);
      if (generation !== this.generation) return;
      this.payload = payload;
      this.names = undefined;
      this.watch(payload);
      message =
        kind === 'schedule'
          ? { type: 'schedule', schedule: payload.schedule }
          : { type: 'data', configUri: this.configUri.toString(), title: title(this.configUri), payload };
    } catch (e) {
      if (generation !== this.generation) return;
      if (!(e instanceof ExplorerUnavailable))
        this.ctx.log(`explorer: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      message = {
        type: 'unavailable',
        configUri: this.configUri.toString(),
        message: e instanceof Error ? e.message : String(e),
      };
    }
    await this.panel.webview.postMessage(message);
    if (!focus || message.type !== 'data') return;
    if (this.focus === focus) this.focus = undefined;
    if (focus.customKey !== undefined)
      await this.panel.webview.postMessage({ type: 'filter', filter: focus.customKey } satisfies HostToPage);
  }

  /** The data, for the optimizer a code lens named when it differs from the current one. */
  private async fetch(focus: ExplorerFocus | undefined): Promise<ExplorerPayload> {
    const payload = await this.ctx.getData(this.configUri, this.options);
    const wanted =
      focus?.optimizer === undefined ? -1 : payload.optimizers.findIndex((o) => o.name === focus.optimizer);
    if (wanted < 0 || wanted === payload.optimizerIndex) return payload;
    this.options.optimizerIndex = wanted;
    return this.ctx.getData(this.configUri, this.options);
  }

  /** The listing may change on disk without an editor (a new dump): watch the file itself. */
  private watch(payload: ExplorerPayload): void {
    this.files = new Set(payload.files);
    if (this.listingWatcher && payload.listingFile === this.watchedListing) return;
    this.listingWatcher?.dispose();
    this.watchedListing = payload.listingFile;
    this.listingWatcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(dirname(payload.listingFile)), basename(payload.listingFile)),
    );
    this.listingWatcher.onDidChange((uri) => this.changed(uri));
    this.listingWatcher.onDidCreate((uri) => this.changed(uri));
  }

  private dispose(): void {
    ExplorerPanel.open.delete(this.configUri.toString());
    if (this.timer) clearTimeout(this.timer);
    this.listingWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // The page keeps its own state (getState); no need to keep a hidden 100k-row page alive.
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const uri = (...path: string[]): string =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return explorerHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: uri('dist', 'webview.js'),
    styleUri: uri('media', 'explorer.css'),
    codiconUri: uri('dist', 'codicon.css'),
  });
}

const title = (configUri: vscode.Uri): string => `Groups: ${basename(configUri.fsPath)}`;
