// code-server (VS Code packaged on npm) for the real-editor test: no desktop VS Code build can be
// downloaded offline (@vscode/test-electron and @vscode/test-web fetch one at run time), while
// code-server installs through npm. 4.100.3 (VS Code 1.100.3) is the newest that accepts Node 20.
// It is installed once into a cache outside the repo (about 3 minutes, 300 MB); its postinstall
// downloads ripgrep from GitHub, which fails offline, so @vscode/ripgrep's download cache is
// pre-seeded from Debian's rg first. The .vsix is installed, not copied (installing writes
// extensions.json), and the user settings turn the workspace trust dialog off before start, or
// it blocks every click. Errors about open-vsx.org and telemetry hosts in its log are expected
// offline; when the extension does not activate, read
// <user-data-dir>/logs/<time>/exthost*/remoteexthost.log.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const CACHE_DIR = join(homedir(), '.cache', 'paramwise-e2e');
const BIN = join(CACHE_DIR, 'node_modules', '.bin', 'code-server');

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): void {
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr || r.stdout || '').slice(-3000)}`);
}

/** Why code-server cannot be had here (not cached and not installable), or undefined. */
export function codeServerSkipReason(): string | undefined {
  if (existsSync(BIN)) return undefined;
  if (!existsSync('/usr/bin/rg'))
    return `code-server is not cached in ${CACHE_DIR} and installing it needs /usr/bin/rg (apt-get install ripgrep)`;
  if (spawnSync('npm', ['--version'], { stdio: 'ignore' }).status !== 0)
    return `code-server is not cached in ${CACHE_DIR} and npm is missing to install it`;
  return undefined;
}

/** Installs code-server into the cache when it is missing (about 3 minutes, once). */
export function ensureCodeServer(): string {
  if (existsSync(BIN)) return BIN;
  if (!existsSync('/usr/bin/rg'))
    throw new Error("ripgrep is needed to pre-seed code-server's install (apt-get install ripgrep)");
  const seed = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(join(seed, 'stage'), { recursive: true });
  sh('cp', ['/usr/bin/rg', join(seed, 'stage', 'rg')]);
  sh('tar', [
    'czf',
    join(seed, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'),
    '-C',
    join(seed, 'stage'),
    'rg',
  ]);
  mkdirSync(CACHE_DIR, { recursive: true });
  // npm 11 skips dependency install scripts unless allowed; code-server's postinstall runs a
  // nested `npm install` (node-pty, ripgrep...) whose scripts must run too, hence the env form.
  const env = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  sh(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CACHE_DIR, `code-server@${CODE_SERVER_VERSION}`],
    env,
  );
  if (!existsSync(BIN)) throw new Error(`code-server was installed but ${BIN} is missing`);
  return BIN;
}

export function installExtension(bin: string, extensionsDir: string, vsix: string): void {
  sh(bin, ['--extensions-dir', extensionsDir, '--install-extension', vsix]);
}

/** User settings written before start: a modal trust dialog would otherwise block every click. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    ...extra,
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningCodeServer {
  url: string;
  process: ChildProcess;
  log: string[];
  /** Stops code-server and its children (its own process group, by the pid it was started with). */
  stop(): Promise<void>;
}

export async function startCodeServer(
  bin: string,
  opts: { extensionsDir: string; userDataDir: string; workspace: string },
): Promise<RunningCodeServer> {
  const port = await freePort();
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--extensions-dir',
    opts.extensionsDir,
    '--user-data-dir',
    opts.userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    opts.workspace,
  ];
  // Its own process group, so stop() reaches the extension host and language server too.
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout?.on('data', (b: Buffer) => log.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => log.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!child.pid) return;
    signalGroup(child.pid, 'SIGTERM');
    // The remote extension host outlives its parent on purpose (it waits for a reconnect): give
    // the group a moment, then end whatever of it is left.
    const deadline = Date.now() + 5000;
    while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`code-server exited (${child.exitCode}):\n${log.join('').slice(-3000)}`);
    if (await responds(`${url}/healthz`)) return { url, process: child, log, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`code-server did not answer on ${url} within 60 s:\n${log.join('').slice(-3000)}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function responds(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
