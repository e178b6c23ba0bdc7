// A tiny LSP client over stdio for the tests: spawns the BUILT server (dist/server.js), frames
// JSON-RPC, answers the server's own requests (workspace/configuration and friends), records
// every notification, and lets a test poll for what it expects with a timeout.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// PARAMWISE_SERVER points at another build of the server (benchmarks of a private build).
export const SERVER = process.env.PARAMWISE_SERVER ?? resolve(import.meta.dirname, '../../dist/server.js');
export const ROOT = resolve(import.meta.dirname, '../..');

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  method: string;
}

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
}

export interface ClientOptions {
  /** What workspace/configuration answers for section 'paramwise' (per request). */
  settings?: Record<string, unknown>;
  /** Advertise dynamic file-watcher registration (else the server watches folders itself). */
  fileWatchers?: boolean;
  workspaceFolder?: string;
  /** Extra node flags for the server process (profiling). */
  nodeArgs?: string[];
  /** Sent as `initializationOptions` (absent: none, like most clients). */
  initializationOptions?: unknown;
  /**
   * Answers workspace/configuration for one resource instead of `settings` (a promise: a client
   * slow to answer for that resource).
   */
  settingsFor?: (scopeUri: string) => unknown;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly notifications: { method: string; params: any }[] = [];
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** How many publishDiagnostics arrived per uri (to wait for "the next one"). */
  readonly publishCount = new Map<string, number>();
  readonly stderr: string[] = [];
  /** Requests the server sent to this client (registrations, configuration...). */
  readonly serverRequests: { method: string; params: any }[] = [];
  settings: Record<string, unknown>;
  private readonly pending = new Map<number, Pending>();
  private readonly publishWaiters: { uri: string; resolve: (d: Diagnostic[]) => void }[] = [];
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly versions = new Map<string, number>();
  /** Documents opened and not closed yet. */
  readonly openUris = new Set<string>();
  exited = false;

  constructor(private readonly options: ClientOptions = {}) {
    this.settings = options.settings ?? {};
    this.proc = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER, '--stdio'], { stdio: 'pipe' });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`server exited during ${p.method}`));
    });
  }

  async initialize(): Promise<any> {
    const folder = this.options.workspaceFolder ?? ROOT;
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folder).href,
      workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'ws' }],
      initializationOptions: this.options.initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          didChangeWatchedFiles: { dynamicRegistration: !!this.options.fileWatchers },
          workspaceFolders: true,
        },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true },
        },
      },
    });
    this.notify('initialized', {});
    return result;
  }

  request<R = any>(method: string, params: unknown, timeoutMs = 20000): Promise<R> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise<R>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolvePromise(v as R);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  open(path: string, languageId = languageOf(path), text = readFileSync(path, 'utf8')): string {
    const uri = pathToFileURL(path).href;
    this.versions.set(uri, 1);
    this.openUris.add(uri);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Incremental change(s): each is a range + text, or a whole-text replacement. */
  change(uri: string, changes: ({ range: Diagnostic['range']; text: string } | { text: string })[]): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): void {
    this.openUris.delete(uri);
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Poll until `check` returns a value (not undefined/false), or fail after `timeoutMs`. */
  async waitFor<T>(
    what: string,
    check: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs = 15000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      if (this.exited) throw new Error(`server exited while waiting for ${what}\n${this.stderr.join('')}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Wait for a publish for `uri` after the `after`-th one that satisfies `check`. */
  waitForDiagnostics(
    uri: string,
    check: (d: Diagnostic[]) => boolean = () => true,
    after = 0,
    timeoutMs = 15000,
  ): Promise<Diagnostic[]> {
    return this.waitFor(
      `diagnostics for ${uri}`,
      () => {
        const d = this.diagnostics.get(uri);
        return (this.publishCount.get(uri) ?? 0) > after && d && check(d) ? d : undefined;
      },
      timeoutMs,
    );
  }

  /** Resolves on the very next publish for `uri` (for latency measurements: no polling delay). */
  nextPublish(uri: string, timeoutMs = 30000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no publish for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.publishWaiters.push({
        uri,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      });
    });
  }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
      await this.waitFor('exit', () => this.exited, 5000);
    } finally {
      if (!this.exited) this.proc.kill();
    }
  }

  private send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body));
    }
  }

  private dispatch(msg: any): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) return this.answer(msg);
    this.notifications.push({ method: msg.method, params: msg.params });
    if (msg.method === 'textDocument/publishDiagnostics') {
      this.diagnostics.set(msg.params.uri, msg.params.diagnostics);
      this.publishCount.set(msg.params.uri, (this.publishCount.get(msg.params.uri) ?? 0) + 1);
      for (const w of this.publishWaiters.splice(0)) {
        if (w.uri === msg.params.uri) w.resolve(msg.params.diagnostics);
        else this.publishWaiters.push(w);
      }
    }
  }

  private answer(msg: any): void {
    this.serverRequests.push({ method: msg.method, params: msg.params });
    const settingsFor = this.options.settingsFor ?? (() => this.settings);
    const result =
      msg.method === 'workspace/configuration'
        ? Promise.all(msg.params.items.map((item: { scopeUri?: string }) => settingsFor(item.scopeUri ?? '')))
        : Promise.resolve(null);
    void result.then((r) => !this.exited && this.send({ jsonrpc: '2.0', id: msg.id, result: r }));
  }
}

export function languageOf(path: string): string {
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.params')) return 'paramwise-params';
  if (/\.ya?ml$/.test(path)) return 'yaml';
  return 'json';
}

export const uriOf = (path: string): string => pathToFileURL(path).href;

/** Offset ↔ position in a text (UTF-16, like LSP). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function offsetAt(text: string, pos: { line: number; character: number }): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < pos.line && i < lines.length; i++) offset += lines[i].length + 1;
  return offset + pos.character;
}

/** Apply LSP text edits (sorted back to front so earlier offsets stay valid). */
export function applyTextEdits(text: string, edits: { range: Diagnostic['range']; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  for (const e of sorted)
    text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
  return text;
}
