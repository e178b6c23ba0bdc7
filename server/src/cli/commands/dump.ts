// `paramwise dump <module:callable> [-o out.params|out.json] [--kwargs JSON] [--format json|params] [--python PY]`:
// runs the bundled PyTorch dumper (server/dumper/paramwise_dump.py) with the user's Python. It
// imports and calls user code, so it is an explicit command; analysis never runs anything.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../../node/io.ts';

/** The dumper script: in the package beside dist/, or given by PARAMWISE_DUMPER. */
function dumperPath(): string {
  return process.env.PARAMWISE_DUMPER ?? join(__dirname, '..', 'server', 'dumper', 'paramwise_dump.py');
}

export const dumpCommand: Command = async (argv, io) => {
  const at = argv.indexOf('--python');
  const python = at >= 0 ? argv[at + 1] : (process.env.PARAMWISE_PYTHON ?? 'python3');
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  const script = dumperPath();
  if (!python || !existsSync(script)) {
    io.stderr(
      python
        ? `paramwise dump: the dumper ${script} is missing from this installation.\n`
        : 'paramwise dump: --python needs an interpreter path\n',
    );
    return 2;
  }
  return new Promise<number>((resolve) => {
    const child = spawn(python, [script, ...rest], { cwd: io.cwd, stdio: 'inherit' });
    child.on('error', (e) => {
      io.stderr(
        `paramwise dump: could not run ${python} (${e.message}); pass --python /path/to/python with torch installed.\n`,
      );
      resolve(2);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
};
