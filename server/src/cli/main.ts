// `paramwise <command> ...`: dispatches to one module per command.

import { nodeIO, type Command } from '../node/io.ts';

const commands: Record<string, () => Promise<Command>> = {
  conformance: async () => (await import('./commands/conformance.ts')).conformanceCommand,
  groups: async () => (await import('./commands/groups.ts')).groupsCommand,
  resolve: async () => (await import('./commands/resolve.ts')).resolveCommand,
  schedule: async () => (await import('./commands/schedule.ts')).scheduleCommand,
  'optim-check': async () => (await import('./commands/smoke.ts')).optimCheckCommand,
  smoke: async () => (await import('./commands/smoke.ts')).smokeCommand,
};

const usage = `usage: paramwise <command> [options]

commands:
  groups <config> --params <listing> [--format table|json]
  resolve <config>... --json
  conformance <dir>
  schedule <config> --params <listing> --iters-per-epoch N [--epochs E | --iters I] --json
  optim-check <file> [--backend auto|tensorflow|wasm|cpu]
`;

async function main(argv: string[]): Promise<number> {
  const io = nodeIO();
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    io.stderr(name && name !== '--help' && name !== '-h' ? `paramwise: unknown command '${name}'\n${usage}` : usage);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  const command = await load();
  return command(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`paramwise: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
