// Every LSP registration of the server, in one place. Each handler is one line: look up,
// call, convert (features.ts / custom.ts), wrapped so an exception is logged and answered empty.

import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  Notifications,
  Requests,
  ServerCommands,
  type InitializationOptions,
  type ParamsOf,
  type RequestDef,
  type ResultOf,
} from '../protocol/lsp.ts';
import { CustomRequests } from './custom.ts';
import { Features } from './features.ts';
import { guard, keepAlive, Logger } from './log.ts';
import { Session } from './session.ts';
import { SettingsSource } from './settings.ts';
import { fromClientEvent, registerClientWatcher } from './watch.ts';

const COMPLETION_TRIGGERS = ["'", '"', '.', '=', '('];

export function startServer(connection: Connection): void {
  const log = new Logger(connection);
  keepAlive(log);
  const documents = new TextDocuments(TextDocument);
  let session: Session | undefined;
  let caps: InitializeParams['capabilities'] = {};

  connection.onInitialize((params): InitializeResult => {
    caps = params.capabilities;
    session = new Session(connection, documents, new SettingsSource(connection, !!caps.workspace?.configuration), log);
    session.foldersChanged(workspaceFolderUris(params), []);
    session.setTrusted(trustedAtStart(params.initializationOptions));
    return { capabilities: capabilities(), serverInfo: { name: 'paramwise-language-server', version: '0.1.0' } };
  });
  connection.onInitialized(
    guard(log, 'initialized', undefined, async () => {
      if (caps.workspace?.didChangeConfiguration?.dynamicRegistration)
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'paramwise' });
      if (!(await registerClientWatcher(connection, !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration)))
        session?.useFolderWatcher();
      if (caps.workspace?.workspaceFolders)
        connection.workspace.onDidChangeWorkspaceFolders(
          guard(log, 'didChangeWorkspaceFolders', undefined, (e) =>
            s().foldersChanged(
              e.added.map((f) => f.uri),
              e.removed.map((f) => f.uri),
            ),
          ),
        );
    }),
  );
  const s = (): Session => {
    if (!session) throw new Error('request before initialize');
    return session;
  };
  const features = (): Features => new Features(s());
  const custom = (): CustomRequests => new CustomRequests(s());

  documents.onDidChangeContent(guard(log, 'didChange', undefined, (e) => s().documentChanged(e.document)));
  documents.onDidClose(guard(log, 'didClose', undefined, (e) => s().documentClosed(e.document.uri)));
  connection.onDidChangeWatchedFiles(
    guard(log, 'didChangeWatchedFiles', undefined, (p) =>
      p.changes.map(fromClientEvent).forEach((c) => c && s().fileChanged(c.path, c.kind)),
    ),
  );
  connection.onDidChangeConfiguration(guard(log, 'didChangeConfiguration', undefined, () => s().reanalyseAll()));
  connection.onNotification(
    Notifications.workspaceTrust.method,
    guard(log, Notifications.workspaceTrust.method, undefined, (p: ParamsOf<typeof Notifications.workspaceTrust>) =>
      s().setTrusted(p.trusted === true),
    ),
  );

  connection.onHover(guard(log, 'hover', null, (p) => features().hover(p.textDocument.uri, p.position)));
  connection.onDefinition(guard(log, 'definition', null, (p) => features().definition(p.textDocument.uri, p.position)));
  connection.onReferences(guard(log, 'references', [], (p) => features().references(p.textDocument.uri, p.position)));
  connection.onCompletion(guard(log, 'completion', [], (p) => features().completion(p.textDocument.uri, p.position)));
  connection.onCodeLens(guard(log, 'codeLens', [], (p) => features().codeLenses(p.textDocument.uri)));
  connection.onCodeAction(guard(log, 'codeAction', [], (p) => features().codeActions(p.textDocument.uri, p.range)));
  connection.onExecuteCommand(
    guard(log, 'executeCommand', null, (p) => executeCommand(connection, p.command, p.arguments)),
  );

  const onCustom = typedRequests(connection, log);
  onCustom(Requests.getPairing, null, (p) => custom().getPairing(p.uri));
  onCustom(Requests.setPairing, null, (p) => custom().setPairing(p.configUri, p.listingUri));
  onCustom(Requests.listingCandidates, [], (p) => custom().listingCandidates(p.configUri));
  onCustom(Requests.explorerData, null, (p) => custom().explorerData(p));

  documents.listen(connection);
}

function capabilities(): InitializeResult['capabilities'] {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
    codeLensProvider: { resolveProvider: false },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    executeCommandProvider: { commands: [ServerCommands.revealFile] },
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
}

/** Only an explicit `workspaceTrusted: false` restricts reads: clients that say nothing are trusted. */
function trustedAtStart(options: unknown): boolean {
  const o = options && typeof options === 'object' ? (options as InitializationOptions) : {};
  return o.workspaceTrusted !== false;
}

function workspaceFolderUris(params: InitializeParams): string[] {
  return params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
}

/** Registers a custom request with the parameter and result types its protocol definition carries, guarded like the rest. */
function typedRequests(connection: Connection, log: Logger) {
  return <D extends RequestDef<unknown, unknown>>(
    def: D,
    empty: ResultOf<D>,
    handler: (params: ParamsOf<D>) => ResultOf<D> | Promise<ResultOf<D>>,
  ): void => {
    connection.onRequest(def.method, guard(log, def.method, empty, handler));
  };
}

/** The server's commands: `revealFile` (uri, range) asks the client to show what a quick fix edited elsewhere. */
async function executeCommand(connection: Connection, command: string, args: unknown[] = []): Promise<null> {
  const [uri, selection] = args as [unknown, Range | undefined];
  if (command === ServerCommands.revealFile && typeof uri === 'string')
    await connection.window.showDocument({ uri, selection, takeFocus: true });
  return null;
}
