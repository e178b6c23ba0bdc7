// The smoke runner process, bundled as dist/smoke.js and started by the VS Code task:
//   node dist/smoke.js <config> --params <listing> [--steps N] [--backend ...] [--report out.json] [--width-scale f]
// First line: backend and device. Then the proxy, groups and audit, a line per logged step and
// a summary. SIGTERM/SIGINT stop it between two iterations; it writes the partial report and
// exits. It starts no processes of its own, so nothing outlives it.

import { configHost } from '../node/configHost.ts';
import { nodeIO } from '../node/io.ts';
import { isArmWorker, serveArm } from './arms.ts';
import { exitCodeOf } from './exitCodes.ts';
import { parseSmokeArgs, SMOKE_USAGE } from './request.ts';
import { runSmoke } from './run.ts';

async function main(argv: string[]): Promise<number> {
  const request = parseSmokeArgs(argv);
  if ('error' in request) {
    process.stderr.write(`smoke: ${request.error}\n${SMOKE_USAGE}`);
    return 2;
  }
  let signal: 'SIGTERM' | 'SIGINT' | undefined;
  const stop = (received: 'SIGTERM' | 'SIGINT') => {
    // A second signal means "now": the loop may be inside a long step.
    if (signal) process.exit(received === 'SIGINT' ? 130 : 143);
    signal = received;
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const io = nodeIO();
  const report = await runSmoke(request, {
    readBytes: io.readBytes, config: configHost(io), writeText: io.writeText,
    line: (text) => io.stdout(`${text}\n`),
    cancelled: () => signal !== undefined,
  });
  if (report.status === 'cancelled') io.stdout(`cancelled by ${signal ?? 'request'}\n`);
  return exitCodeOf(report, signal);
}

if (isArmWorker()) {
  // The same bundle runs the fixed arm of an A/B run in a worker thread (see arms.ts).
  void serveArm();
} else {
  main(process.argv.slice(2)).then(
    // Explicit exit: nothing the backends may leave scheduled keeps a cancelled run alive.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`smoke: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(70);
    },
  );
}
