// Smoke training in the editor: the `paramwise` task type, the "Smoke-train this config"
// command, and an event when a run ends (with its report) for the explorer to chart.

import * as vscode from 'vscode';
import { Commands } from '../../../server/src/protocol/lsp.ts';
import { SMOKE_TASK_TYPE } from '../../../server/src/protocol/smokeReport.ts';
import { smokeTrain, type SmokeFinished } from './command.ts';
import { SmokeTaskProvider, type SmokeTaskContext } from './task.ts';

export type { SmokeFinished } from './command.ts';

export interface SmokeOptions {
  /** The server's pairing of a config (the client asks `paramwise/getPairing`). */
  resolveListing?(config: vscode.Uri): Promise<vscode.Uri | undefined>;
  /** Where a failure is reported beyond the task terminal. */
  log?(message: string): void;
}

export interface SmokeApi {
  /** Fires when a run started by the command ends: the report is written unless it failed to start. */
  readonly onDidFinish: vscode.Event<SmokeFinished>;
}

export function registerSmoke(context: vscode.ExtensionContext, options: SmokeOptions = {}): SmokeApi {
  const finished = new vscode.EventEmitter<SmokeFinished>();
  const taskContext: SmokeTaskContext = {
    runnerScript: context.asAbsolutePath('dist/smoke.js'),
    resolveListing: options.resolveListing,
  };
  context.subscriptions.push(
    finished,
    vscode.tasks.registerTaskProvider(SMOKE_TASK_TYPE, new SmokeTaskProvider(taskContext)),
    vscode.commands.registerCommand(Commands.smokeTrain, (arg?: unknown) =>
      smokeTrain(taskContext, targetOf(arg), (result) => finished.fire(result)).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        options.log?.(`smoke training failed: ${message}`);
        void vscode.window.showErrorMessage(`Paramwise could not start smoke training: ${message}`);
      }),
    ),
  );
  return { onDidFinish: finished.event };
}

/** The command's argument: a Uri (explorer context menu), or a code lens's `{ file }` (core/service/lenses.ts). */
function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const file = typeof arg === 'object' && arg !== null ? (arg as { file?: unknown }).file : undefined;
  return typeof file === 'string' ? vscode.Uri.file(file) : undefined;
}
