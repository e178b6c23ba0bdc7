// The `paramwise` task type with `"task": "smoke"`: a CustomExecution whose pseudoterminal runs
// dist/smoke.js with VS Code's own Node (ELECTRON_RUN_AS_NODE), so no Node install is needed.
// Nothing runs in an untrusted workspace: the provider resolves no task there, and an already
// resolved task refuses to start.

import * as vscode from 'vscode';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol/lsp.ts';
import {
  defaultReportPath,
  SMOKE_TASK_TYPE,
  type SmokeTaskDefinition,
} from '../../../server/src/protocol/smokeReport.ts';
import { smokeArgs, startSmokeProcess, type SmokeExit, type SmokeProgress } from './runnerProcess.ts';
import { SmokeTerminal } from './terminal.ts';

export interface SmokeRunEvents {
  onProgress?(progress: SmokeProgress): void;
  onExit?(exit: SmokeExit, reportPath: string): void;
}

export interface SmokeTaskContext {
  /** dist/smoke.js inside the installed extension. */
  runnerScript: string;
  /** The server's pairing of a config, when the client has one. */
  resolveListing?(config: vscode.Uri): Promise<vscode.Uri | undefined>;
}

export function isSmokeDefinition(
  definition: vscode.TaskDefinition,
): definition is SmokeTaskDefinition & vscode.TaskDefinition {
  return definition.type === SMOKE_TASK_TYPE && definition.task === 'smoke' && typeof definition.config === 'string';
}

export function createSmokeTask(
  definition: SmokeTaskDefinition,
  scope: vscode.WorkspaceFolder | vscode.TaskScope,
  context: SmokeTaskContext,
  events: SmokeRunEvents = {},
): vscode.Task {
  const execution = new vscode.CustomExecution(async () => {
    const folder = typeof scope === 'object' ? scope.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const absolute = (path: string) => (isAbsolute(path) || !folder ? path : join(folder, path));
    const config = absolute(definition.config);
    const params = definition.params ? absolute(definition.params) : await listingFor(config, context);
    const report = absolute(definition.report ?? defaultReportPath(config));
    return new SmokeTerminal({
      start: (onLine) => {
        if (!vscode.workspace.isTrusted)
          return refused(onLine, 'Paramwise smoke training runs only in a trusted workspace.');
        if (!params)
          return refused(
            onLine,
            `No parameter listing for ${config}: add "params" to the task, or pair the config with a listing first.`,
          );
        return startSmokeProcess({
          node: process.execPath,
          script: context.runnerScript,
          cwd: folder ?? dirname(config),
          onLine,
          args: [...smokeArgs({ ...definition, config, params, report }), ...listingLimitArgs(config)],
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        });
      },
      onProgress: events.onProgress,
      onExit: (exit) => events.onExit?.(exit, report),
    });
  });
  const task = new vscode.Task(definition, scope, `smoke ${basename(definition.config)}`, 'paramwise', execution);
  task.presentationOptions = {
    reveal: vscode.TaskRevealKind.Always,
    panel: vscode.TaskPanelKind.Dedicated,
    clear: true,
  };
  return task;
}

async function listingFor(config: string, context: SmokeTaskContext): Promise<string | undefined> {
  const paired = await context.resolveListing?.(vscode.Uri.file(config)).catch(() => undefined);
  // The server's pairing: the `# paramwise: params=` directive, the setting, then discovery.
  return paired?.fsPath;
}

/** A process stand-in that prints why nothing ran and ends the task with exit code 2. */
function refused(
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
  why: string,
): ReturnType<typeof startSmokeProcess> {
  onLine(why, 'stderr');
  const exit: SmokeExit = { code: 2, signal: null };
  return { pid: undefined, exited: Promise.resolve(exit), cancel: async () => exit };
}

export class SmokeTaskProvider implements vscode.TaskProvider {
  constructor(private readonly context: SmokeTaskContext) {}

  /** Smoke tasks come from tasks.json and the command; none are detected. */
  provideTasks(): vscode.Task[] {
    return [];
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    if (!vscode.workspace.isTrusted || !isSmokeDefinition(task.definition)) return undefined;
    return createSmokeTask(task.definition, task.scope ?? vscode.TaskScope.Workspace, this.context);
  }
}

/** The editor's listing size limit, for the config's folder: the runner refuses what the editor refuses. */
function listingLimitArgs(config: string): string[] {
  const setting = vscode.workspace.getConfiguration('paramwise', vscode.Uri.file(config));
  const mb = setting.get<number>('analysis.maxListingSizeMB', DEFAULT_SETTINGS.analysis.maxListingSizeMB);
  return ['--max-listing-mb', String(mb)];
}
