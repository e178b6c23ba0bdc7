// The smoke runner as a child process: started with the arguments of a task definition, its
// output split into lines, its progress lines parsed, and a cancel that leaves nothing behind
// (SIGTERM, which the runner answers between two iterations, then SIGKILL if it does not exit
// in time). No vscode import: the tests drive it with plain Node.

import { spawn } from 'node:child_process';
import type { SmokeTaskDefinition } from '../../../server/src/protocol/smokeReport.ts';

export interface SmokeProgress {
  arm: 'configured' | 'fixed';
  step: number;
  steps: number;
}

/** `step 30/300 ...` and `fixed step 30/300 ...`, as the runner prints them. */
export function parseProgress(line: string): SmokeProgress | undefined {
  const match = /^(fixed )?step +(\d+)\/(\d+)\b/.exec(line);
  return match
    ? { arm: match[1] ? 'fixed' : 'configured', step: Number(match[2]), steps: Number(match[3]) }
    : undefined;
}

/** The runner's command-line arguments for a task definition whose paths are already absolute. */
export function smokeArgs(definition: Omit<SmokeTaskDefinition, 'type' | 'task'> & { params: string }): string[] {
  const args = [definition.config, '--params', definition.params];
  if (definition.steps !== undefined) args.push('--steps', String(definition.steps));
  if (definition.backend) args.push('--backend', definition.backend);
  if (definition.widthScale !== undefined) args.push('--width-scale', String(definition.widthScale));
  if (definition.report) args.push('--report', definition.report);
  return args;
}

export interface SmokeProcessOptions {
  /** A Node executable (in VS Code: its own, with ELECTRON_RUN_AS_NODE=1 in env). */
  node: string;
  script: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface SmokeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

export interface SmokeProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<SmokeExit>;
  /** Asks the runner to stop, then kills it after `graceMs`; resolves once it has exited. */
  cancel(graceMs?: number): Promise<SmokeExit>;
}

export function startSmokeProcess(options: SmokeProcessOptions): SmokeProcess {
  const child = spawn(options.node, [options.script, ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const flushers = (['stdout', 'stderr'] as const).map((stream) =>
    splitLines(child[stream], (line) => options.onLine(line, stream)),
  );
  let done = false;
  const exited = new Promise<SmokeExit>((resolve) => {
    child.once('error', (error) => {
      done = true;
      resolve({ code: null, signal: null, error: error.message });
    });
    // 'close' comes after both pipes are drained, so no line is lost.
    child.once('close', (code, signal) => {
      done = true;
      flushers.forEach((flush) => flush());
      resolve({ code, signal });
    });
  });
  const cancel = async (graceMs = 5000): Promise<SmokeExit> => {
    if (done) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!done) child.kill('SIGKILL');
    }, graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { pid: child.pid, exited, cancel };
}

/** Calls `onLine` for every complete line; the returned function flushes a last partial one. */
function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split(/\r?\n/);
    pending = parts.pop() ?? '';
    parts.forEach(onLine);
  });
  return () => {
    if (pending) onLine(pending);
    pending = '';
  };
}
