// `paramwise smoke ...` and `paramwise optim-check ...` run in the smoke runner (dist/smoke.js,
// beside this bundle), a process of its own as when the VS Code task starts it: the CLI and
// the smoke runner are sibling adapters and never import each other. The runner gets a process
// group of its own, so that each SIGINT or SIGTERM this process receives (Ctrl+C in a terminal,
// `kill`, a CI timeout) reaches it exactly once, from here: it stops between two iterations,
// writes its partial report and exits 130 or 143, and that status is passed on.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import type { Command } from '../../node/io.ts';

/** Where the runner lies: beside the CLI bundle (dist/), or given by PARAMWISE_SMOKE_RUNNER. */
export function smokeRunnerPath(): string {
  return process.env.PARAMWISE_SMOKE_RUNNER ?? join(__dirname, 'smoke.js');
}

export function forwardToSmokeRunner(leading: string[]): Command {
  return async (argv, io) => {
    const runner = smokeRunnerPath();
    if (!existsSync(runner)) {
      io.stderr(`paramwise: the smoke runner ${runner} is missing; build it with \`npm run build\`.\n`);
      return 2;
    }
    const child = spawn(process.execPath, [runner, ...leading, ...argv], {
      cwd: io.cwd,
      stdio: 'inherit',
      detached: true,
    });
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    try {
      return await new Promise<number>((resolve) => {
        child.on('error', (e) => {
          io.stderr(`paramwise: could not start the smoke runner: ${e.message}\n`);
          resolve(2);
        });
        child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 1)));
      });
    } finally {
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    }
  };
}

export const smokeCommand = forwardToSmokeRunner([]);
export const optimCheckCommand = forwardToSmokeRunner(['optim-check']);
