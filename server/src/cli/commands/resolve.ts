// `paramwise resolve <config>... --json`: for each config, the optimizer-related keys as
// MMEngine's Config.fromfile(path).to_dict() holds them, or {"error": ...}. A nan or inf
// value is written as a string ("nan", "inf", "-inf"), so the output always parses as JSON.

import { loadConfig, optimizerKeys } from '../../core/config/index.ts';
import { PyDict } from '../../core/pyvalue.ts';
import { parseArgs } from '../../node/args.ts';
import { makeLocator } from '../format.ts';
import { writeStdoutChunks, type Command } from '../../node/io.ts';
import { pyJsonChunks } from '../json.ts';
import { configHost } from '../../node/configHost.ts';

export const resolveCommand: Command = async (argv, io) => {
  const args = parseArgs(argv, ['json']);
  const paths = args.positionals;
  if (!paths.length) {
    io.stderr('usage: paramwise resolve <config>... --json\n');
    return 2;
  }
  const host = configHost(io);
  const where = makeLocator(io);
  const out = new PyDict();
  let failures = 0;
  paths.forEach((path, i) => {
    if (paths.length > 20 && i % 25 === 0) io.stderr(`[${i}/${paths.length}] ${path}\n`);
    const loaded = loadConfig(path, host);
    const keys = optimizerKeys(loaded);
    if (keys.has('error')) failures++;
    for (const d of loaded.diagnostics)
      if (d.severity === 'error') io.stderr(`${where(d.span)} error: ${d.message} [${d.code}]\n`);
    out.set(path, keys);
  });
  await writeStdoutChunks(io, pyJsonChunks(out, args.flags.has('json') ? 1 : 2));
  return failures ? 1 : 0;
};
