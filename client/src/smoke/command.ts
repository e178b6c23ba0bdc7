// "Paramwise: Smoke-train this config": the active (or given) config, its listing, then the
// smoke task, with a cancellable progress notification beside the task's terminal. Refused in
// an untrusted workspace.

import * as vscode from 'vscode';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol/lsp.ts';
import { SMOKE_TASK_TYPE, type SmokeTaskDefinition } from '../../../server/src/protocol/smokeReport.ts';
import type { SmokeExit } from './runnerProcess.ts';
import { createSmokeTask, type SmokeTaskContext } from './task.ts';

export interface SmokeFinished {
  config: vscode.Uri;
  report: vscode.Uri;
  exit: SmokeExit;
}

export async function smokeTrain(
  context: SmokeTaskContext,
  target: vscode.Uri | undefined,
  finished: (result: SmokeFinished) => void,
): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Paramwise: smoke training runs a training process, so it is available only in a trusted workspace.',
    );
    return;
  }
  const config = target ?? vscode.window.activeTextEditor?.document.uri;
  if (!config || config.scheme !== 'file') {
    void vscode.window.showInformationMessage(
      'Paramwise: open a config file (or pick one in the explorer) to smoke-train it.',
    );
    return;
  }
  const listing = await chooseListing(config, context);
  if (!listing) return;
  const folder = vscode.workspace.getWorkspaceFolder(config);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Paramwise smoke training', cancellable: true },
    (progress, token) =>
      new Promise<void>((resolve, reject) => {
        let reported = 0;
        const task = createSmokeTask(
          {
            type: SMOKE_TASK_TYPE,
            task: 'smoke',
            config: config.fsPath,
            params: listing.fsPath,
            ...smokeSettings(config),
          },
          folder ?? vscode.TaskScope.Workspace,
          context,
          {
            onProgress: ({ arm, step, steps }) => {
              // The bar follows the configured run; an A/B run's second arm updates the message only.
              const done = arm === 'configured' ? Math.round((100 * step) / steps) : reported;
              progress.report({ message: `${arm} run: step ${step}/${steps}`, increment: done - reported });
              reported = done;
            },
            onExit: (exit, report) => {
              finished({ config, report: vscode.Uri.file(report), exit });
              resolve();
            },
          },
        );
        vscode.tasks
          .executeTask(task)
          .then((execution) => token.onCancellationRequested(() => execution.terminate()), reject);
      }),
  );
}

/** `paramwise.smoke.*`, read per config (settings are resource-scoped). */
function smokeSettings(config: vscode.Uri): Pick<SmokeTaskDefinition, 'steps' | 'backend' | 'widthScale'> {
  const section = vscode.workspace.getConfiguration('paramwise.smoke', config);
  const widthScale = section.get<number | null>('widthScale', DEFAULT_SETTINGS.smoke.widthScale);
  return {
    steps: section.get('steps', DEFAULT_SETTINGS.smoke.steps),
    backend: section.get('backend', DEFAULT_SETTINGS.smoke.backend),
    ...(typeof widthScale === 'number' ? { widthScale } : {}),
  };
}

async function chooseListing(config: vscode.Uri, context: SmokeTaskContext): Promise<vscode.Uri | undefined> {
  const paired = await context.resolveListing?.(config).catch(() => undefined);
  // The server's pairing covers the `# paramwise: params=` directive, the setting and discovery.
  if (paired) return paired;
  const picked = await vscode.window.showOpenDialog({
    title: 'Parameter listing of this model',
    canSelectMany: false,
    defaultUri: vscode.Uri.joinPath(config, '..'),
    filters: { Listings: ['params', 'json', 'txt', 'safetensors'] },
  });
  return picked?.[0];
}
