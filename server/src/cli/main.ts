// `paramwise <command> ...`: dispatches to one module per command.

import { nodeIO, type Command } from '../node/io.ts';

const commands: Record<string, () => Promise<Command>> = {
  conformance: async () => (await import('./commands/conformance.ts')).conformanceCommand,
  groups: async () => (await import('./commands/groups.ts')).groupsCommand,
  resolve: async () => (await import('./commands/resolve.ts')).resolveCommand,
  schedule: async () => (await import('./commands/schedule.ts')).scheduleCommand,
  'optim-check': async () => (await import('./commands/smoke.ts')).optimCheckCommand,
  smoke: async () => (await import('./commands/smoke.ts')).smokeCommand,
  dump: async () => (await import('./commands/dump.ts')).dumpCommand,
};

const usage = `usage: paramwise <command> [options]

commands:
  groups <config> --params <listing> [--format table|json] [--per-group] [--explain NAME]
         [--layer-rules FILE] [--max-listing-mb N]
      the resolved param groups: one row per distinct setting, the framework's own groups
      (--per-group), the winning rule and arithmetic of one parameter (--explain), or JSON
  resolve <config>... [--json]
      the optimizer-related keys after _base_ merging, as Python-style JSON
  schedule <config> --params <listing> --iters-per-epoch N [--epochs E | --iters I] [--json]
         [--max-listing-mb N]
      the lr of every param group at every iteration
  conformance <dir>
      runs a corpus in the conformance format (models/ and cases/); ends with "N passed, N failed"
  smoke <config> --params <listing> [--steps N] [--backend auto|tensorflow|wasm|cpu] [--report out.json]
        [--width-scale F] [--seed N] [--batch N] [--log-every N] [--no-ab] [--proxy auto|fallback]
        [--max-listing-mb N]
      trains these param groups on a proxy model for a few hundred steps (runs dist/smoke.js)
  optim-check <file> [--backend auto|tensorflow|wasm|cpu]
      replays recorded torch.optim steps on a tfjs backend (runs dist/smoke.js)
  dump <module:callable> [-o out.params|out.json] [--kwargs JSON] [--format json|params] [--model-id ID]
       [--env torch|timm|mmpretrain|convnext|beit] [--python PY]
      writes a model's parameter listing with the bundled PyTorch dumper (runs your Python code)

Listings over --max-listing-mb (default 256) are refused with a message.
JSON output writes a nan or infinite number as the string "nan", "inf" or "-inf", so it always parses.
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
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `paramwise: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
