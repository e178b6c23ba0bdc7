// Extension entry: starts the language server, the pairing status bar and the commands.
// Activation happens on the config and listing languages and on the commands, never on `*`.
// A failure to start is shown to the user, not just logged.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands, Notifications } from '../../server/src/protocol/lsp.ts';
import { choosePairing, setPairing } from './choosePairing.ts';
import { dumpParams } from './dumpParams.ts';
import { explorerDataFromServer, listingFromServer, registerExplorer } from './explorer/index.ts';
import { createLanguageClient } from './languageClient.ts';
import { PairingStore } from './pairingStore.ts';
import { registerSmoke } from './smoke/index.ts';
import { notifyTyped } from './serverRequests.ts';
import { PairingStatusBar } from './statusBar.ts';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Paramwise', { log: true });
  const statusBar = new PairingStatusBar();
  const store = new PairingStore(context.workspaceState);
  context.subscriptions.push(output, statusBar);

  // A server started untrusted reads files outside the workspace folders once told of a grant.
  const tellTrusted = (): void => {
    if (client?.isRunning())
      notifyTyped(client, Notifications.workspaceTrust, { trusted: true }).catch((e: unknown) =>
        output.warn(`Paramwise: could not tell the server the workspace is trusted: ${String(e)}`),
      );
  };
  const start = async (): Promise<void> => {
    client = createLanguageClient(context, output);
    await client.start();
    // A grant while the server was starting came after its initializationOptions were taken.
    if (vscode.workspace.isTrusted) tellTrusted();
    // The server forgets pairing choices when it restarts; replay the ones kept here.
    const replay = Object.entries(store.all()).map(([config, listing]) =>
      setPairing(client!, config, listing).catch((e: unknown) =>
        output.warn(`Paramwise: could not restore the pairing of ${config}: ${String(e)}`),
      ),
    );
    await Promise.all(replay);
    statusBar.attach(client);
  };
  const running = (): LanguageClient => {
    if (!client) throw new Error('the Paramwise language server is not running');
    return client;
  };

  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(tellTrusted),
    vscode.commands.registerCommand(Commands.restartServer, () =>
      report('restart the language server', async () => {
        await client?.stop();
        await start();
      }),
    ),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.choosePairing, () =>
      report('choose a listing', () => choosePairing(running(), store)),
    ),
    vscode.commands.registerCommand(Commands.dumpParams, () =>
      report('dump model parameters', () => dumpParams(context)),
    ),
  );
  const listingFor = listingFromServer(running);
  const explorer = registerExplorer(context, explorerDataFromServer(running), (m) => output.warn(m));
  const smoke = registerSmoke(context, { resolveListing: listingFor, log: (m) => output.warn(m) });
  context.subscriptions.push(
    smoke.onDidFinish((run) => {
      output.info(
        `smoke run of ${run.config.fsPath} ended (exit ${run.exit.code ?? run.exit.signal}); report ${run.report.fsPath}`,
      );
      // The explorer charts the report: loss, per-group lr and update ratio.
      explorer.showSmokeReport(run.config, run.report);
    }),
  );
  await report('start the language server', start);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** Run a user-triggered action; a failure becomes a message with a way to the log. */
async function report(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const choice = await vscode.window.showErrorMessage(`Paramwise could not ${what}: ${message}`, 'Show output');
    if (choice) await vscode.commands.executeCommand(Commands.showOutput);
  }
}
