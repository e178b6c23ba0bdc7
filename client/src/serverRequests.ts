// The client's side of the custom LSP messages: every request and notification goes through
// these helpers, typed by its definition in protocol/lsp.ts, so no call site casts.

import type { LanguageClient } from 'vscode-languageclient/node';
import type * as vscode from 'vscode';
import type { NotificationDef, ParamsOf, RequestDef, ResultOf } from '../../server/src/protocol/lsp.ts';

export function sendTyped<D extends RequestDef<unknown, unknown>>(
  client: LanguageClient,
  def: D,
  params: ParamsOf<D>,
): Promise<ResultOf<D>> {
  return client.sendRequest(def.method, params) as Promise<ResultOf<D>>;
}

export function notifyTyped<D extends NotificationDef<unknown>>(
  client: LanguageClient,
  def: D,
  params: ParamsOf<D>,
): Promise<void> {
  return client.sendNotification(def.method, params);
}

export function onTyped<D extends NotificationDef<unknown>>(
  client: LanguageClient,
  def: D,
  handler: (params: ParamsOf<D>) => void,
): vscode.Disposable {
  return client.onNotification(def.method, handler);
}
