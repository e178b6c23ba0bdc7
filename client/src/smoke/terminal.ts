// The smoke task's pseudoterminal: the runner's lines as they come, each progress line led by a
// bar, and Ctrl+C or closing the terminal cancels the run (the process is gone when the task
// ends). The exit code of the task is the runner's.

import * as vscode from 'vscode';
import { parseProgress, type SmokeExit, type SmokeProcess, type SmokeProgress } from './runnerProcess.ts';

const BAR_WIDTH = 20;

export interface SmokeTerminalHooks {
  start(onLine: (line: string, stream: 'stdout' | 'stderr') => void): SmokeProcess;
  onProgress?(progress: SmokeProgress): void;
  onExit?(exit: SmokeExit): void;
}

export class SmokeTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private process: SmokeProcess | undefined;

  constructor(private readonly hooks: SmokeTerminalHooks) {}

  open(): void {
    this.process = this.hooks.start((line, stream) => this.show(line, stream));
    void this.process.exited.then((exit) => this.finish(exit));
  }

  close(): void {
    void this.process?.cancel();
  }

  handleInput(data: string): void {
    if (data === '\x03') {
      this.writer.fire('^C cancelling...\r\n');
      void this.process?.cancel();
    }
  }

  private show(line: string, stream: 'stdout' | 'stderr'): void {
    const progress = parseProgress(line);
    if (progress) this.hooks.onProgress?.(progress);
    const text = progress ? `${bar(progress)} ${line}` : line;
    this.writer.fire(`${stream === 'stderr' ? `\x1b[31m${text}\x1b[0m` : text}\r\n`);
  }

  private finish(exit: SmokeExit): void {
    if (exit.error) this.writer.fire(`\x1b[31mThe smoke runner could not start: ${exit.error}\x1b[0m\r\n`);
    this.hooks.onExit?.(exit);
    this.closer.fire(exit.code ?? 1);
  }
}

function bar({ step, steps }: SmokeProgress): string {
  const filled = Math.round((BAR_WIDTH * step) / Math.max(steps, 1));
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}
