// `paramwise smoke <config> --params <listing> [--steps N] [--backend ...] [--report out.json] [--width-scale f]`:
// the smoke run in this process (the VS Code task runs the same code as dist/smoke.js).
// Exit 0: completed; 1: went non-finite; 2: bad arguments or the config cannot train; 130/143: interrupted.

import type { Command } from '../../node/io.ts';
import { configHost } from '../../node/configHost.ts';
import { exitCodeOf } from '../../smoke/exitCodes.ts';
import { parseSmokeArgs, SMOKE_USAGE } from '../../smoke/request.ts';
import { runSmoke } from '../../smoke/run.ts';

export const smokeCommand: Command = async (argv, io) => {
  const request = parseSmokeArgs(argv);
  if ('error' in request) {
    io.stderr(`paramwise smoke: ${request.error}\nusage: paramwise smoke ${SMOKE_USAGE.replace('usage: ', '')}`);
    return 2;
  }
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.once('SIGINT', onSigint);
  try {
    const report = await runSmoke(request, { readBytes: io.readBytes, config: configHost(io), writeText: io.writeText, line: (text) => io.stdout(`${text}\n`), cancelled: () => interrupted });
    return exitCodeOf(report, 'SIGINT');
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
};
