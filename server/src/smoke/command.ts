// `smoke <config> --params <listing> [...]`: one smoke run in this process, with its report.
// dist/smoke.js runs it for the VS Code task and for `paramwise smoke` (the CLI forwards).
// Exit 0: completed; 1: went non-finite; 2: bad arguments or the config cannot train; 130/143: interrupted.

import { configHost } from '../node/configHost.ts';
import type { CliIO } from '../node/io.ts';
import { exitCodeOf } from './exitCodes.ts';
import { parseSmokeArgs, SMOKE_USAGE } from './request.ts';
import { runSmoke } from './run.ts';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** `stopped()` names the signal that asked the run to stop between two iterations, if any. */
export async function smokeCommand(
  argv: string[],
  io: CliIO,
  stopped: () => StopSignal | undefined = () => undefined,
): Promise<number> {
  const request = parseSmokeArgs(argv);
  if ('error' in request) {
    io.stderr(`paramwise smoke: ${request.error}\nusage: paramwise smoke ${SMOKE_USAGE.replace('usage: ', '')}`);
    return 2;
  }
  const report = await runSmoke(request, {
    readBytes: io.readBytes,
    config: configHost(io),
    writeText: io.writeText,
    line: (text) => io.stdout(`${text}\n`),
    cancelled: () => stopped() !== undefined,
  });
  if (report.status === 'cancelled') io.stdout(`cancelled by ${stopped() ?? 'request'}\n`);
  return exitCodeOf(report, stopped());
}
