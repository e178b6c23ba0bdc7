// The smoke runner process, bundled as dist/smoke.js. The VS Code task starts it, and the CLI
// forwards `paramwise smoke` and `paramwise optim-check` to it:
//   node dist/smoke.js <config> --params <listing> [--steps N] [--backend ...] [--report out.json] [--width-scale f]
//   node dist/smoke.js optim-check <file> [--backend ...]
// First line: backend and device. Then the proxy, groups and audit, a line per logged step and
// a summary. SIGTERM/SIGINT stop it between two iterations; it writes the partial report and
// exits. It starts no processes of its own, so nothing outlives it.

import { nodeIO } from '../node/io.ts';
import { isArmWorker, serveArm } from './arms.ts';
import { smokeCommand, type StopSignal } from './command.ts';
import { optimCheckCommand } from './optimCheck.ts';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'optim-check') return optimCheckCommand(argv.slice(1), nodeIO());
  let signal: StopSignal | undefined;
  const stop = (received: StopSignal) => {
    // A second signal means "now": the loop may be inside a long step.
    if (signal) process.exit(received === 'SIGINT' ? 130 : 143);
    signal = received;
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return smokeCommand(argv, nodeIO(), () => signal);
}

if (isArmWorker()) {
  // The same bundle runs the fixed arm of an A/B run in a worker thread (see arms.ts).
  void serveArm();
} else {
  main(process.argv.slice(2)).then(
    // Explicit exit: nothing the backends may leave scheduled keeps a cancelled run alive.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `smoke: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(70);
    },
  );
}
