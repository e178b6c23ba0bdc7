// The LanguageClient that runs dist/server.js over stdio, for the documents Paramwise reads:
// training configs (Python, JSON, YAML) and parameter listings (.params, dumper JSON).

import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { PARAMS_LANGUAGE_ID, type InitializationOptions } from '../../server/src/protocol/lsp.ts';

export const DOCUMENT_SELECTOR = ['python', 'json', 'jsonc', 'yaml', PARAMS_LANGUAGE_ID].map((language) => ({
  scheme: 'file',
  language,
}));

export function createLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    // The server registers its own file watchers and configuration section dynamically.
    markdown: { isTrusted: false, supportHtml: false },
    // Asked at each (re)start: an untrusted workspace's server reads nothing outside its folders.
    initializationOptions: (): InitializationOptions => ({ workspaceTrusted: vscode.workspace.isTrusted }),
  };
  return new LanguageClient('paramwise', 'Paramwise', serverOptions, clientOptions);
}
