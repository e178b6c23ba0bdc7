// "Paramwise: Dump model parameters": runs the bundled dumper on the user's own model code in
// a terminal. It imports and calls user code, so it runs only in a trusted workspace.

import * as vscode from 'vscode';
import { join } from 'node:path';

export async function dumpParams(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Paramwise: dumping model parameters runs your Python code, so it is available only in a trusted workspace.',
    );
    return;
  }
  const target = await vscode.window.showInputBox({
    title: 'Dump model parameters',
    prompt: 'module:callable that builds the model (the workspace folder is on sys.path)',
    placeHolder: 'my_project.models:build_model',
    validateInput: (v) => (/^[\w.]+:[\w.]+$/.test(v.trim()) ? undefined : 'Expected module:callable'),
  });
  if (!target) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const output = await vscode.window.showInputBox({ title: 'Write the listing to', value: 'model.params' });
  if (!output) return;
  const python = vscode.workspace.getConfiguration('paramwise', folder?.uri).get<string>('dumper.pythonPath', 'python');
  const script = context.asAbsolutePath(join('server', 'dumper', 'paramwise_dump.py'));
  const terminal = vscode.window.createTerminal({ name: 'Paramwise dump', cwd: folder?.uri });
  terminal.show();
  terminal.sendText([python, script, target.trim(), '-o', output].map(shellQuote).join(' '));
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
