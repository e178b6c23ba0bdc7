// Which listing a config is analysed against. In order: the user's pick in the status bar
// (this session), a `# paramwise: params=...` directive in the config, the
// `paramwise.listing.pairs` setting, then auto-discovery. A missing listing, or one an
// untrusted workspace may not read, is reported at the place that named it, and the config is
// still analysed without a model.

import { existsSync, statSync } from 'node:fs';
import type { PairingSource } from '../protocol/lsp.ts';
import type { Settings } from '../protocol/lsp.ts';
import { dirOf, type ListingDiscovery } from './discovery.ts';
import { globMatches } from './glob.ts';

export interface Pairing {
  listingPath?: string;
  source: PairingSource;
  detail: string;
  /** Set when the pairing names a listing that does not exist, or a directory (`directory`). */
  missing?: { path: string; span?: { start: number; end: number }; directory?: boolean };
  /** Set when it names one that may not be read (untrusted workspace): `reason` says why. */
  refused?: { path: string; reason: string; span?: { start: number; end: number } };
}

export interface PairingInputs {
  configPath: string;
  configText: string;
  settings: Settings;
  /** Workspace folder paths, the one holding the config first. */
  folders: string[];
  override?: string;
  discovery: ListingDiscovery;
  /** Why a path may not be read (WorkspaceTrust.refusal); absent: every path may be. */
  refusal?: (path: string) => string | undefined;
}

// `# paramwise: params=path` (or `//` in JSONC); the path may be quoted.
const DIRECTIVE = /^[ \t]*(?:#|\/\/)[ \t]*paramwise:[ \t]*params[ \t]*=[ \t]*(["']?)([^\s"']+)\1/m;

export function findDirective(text: string): { path: string; start: number; end: number } | undefined {
  const m = DIRECTIVE.exec(text.slice(0, 65536));
  if (!m) return undefined;
  const start = m.index + m[0].length - m[2].length - m[1].length;
  return { path: m[2], start, end: start + m[2].length };
}

export function resolvePairing(inputs: PairingInputs): Pairing {
  const { configPath, settings, folders } = inputs;
  const refusal = inputs.refusal ?? (() => undefined);
  const checked = (p: Pairing, span?: { start: number; end: number }): Pairing => checkedPairing(p, refusal, span);
  if (inputs.override)
    return checked({ listingPath: inputs.override, source: 'override', detail: 'chosen in the status bar' });
  const directive = findDirective(inputs.configText);
  if (directive) {
    const path = absolute(directive.path, dirOf(configPath));
    return checked(
      { listingPath: path, source: 'directive', detail: `from the \`# paramwise: params=\` line` },
      directive,
    );
  }
  const fromSetting = settingPair(configPath, settings, folders);
  if (fromSetting)
    return checked({
      listingPath: fromSetting.path,
      source: 'setting',
      detail: `paramwise.listing.pairs["${fromSetting.glob}"]`,
    });
  if (settings.autoDiscover) {
    const best = inputs.discovery.candidates(configPath, folders, (path) => refusal(path) !== undefined)[0];
    if (best)
      return checked({ listingPath: best.path, source: 'discovered', detail: `auto-discovered: ${best.reason}` });
  }
  const why = settings.autoDiscover
    ? 'no listing found next to the config or in the workspace'
    : 'auto-discovery is off';
  return { source: 'none', detail: `${why}; checks that need the model are skipped` };
}

/** The pairing as it stands, or why its listing is not read: refused first (so whether it exists is not told), then missing. */
function checkedPairing(
  p: Pairing,
  refusal: (path: string) => string | undefined,
  span?: { start: number; end: number },
): Pairing {
  const path = p.listingPath!;
  const reason = refusal(path);
  if (reason) return { source: p.source, detail: `${p.detail}: ${path} ${reason}`, refused: { path, reason, span } };
  const kind = fileKind(path);
  if (kind === 'file') return p;
  if (kind === 'directory')
    return {
      source: p.source,
      detail: `${p.detail}: ${path} is a directory, not a listing file`,
      missing: { path, span, directory: true },
    };
  return { source: p.source, detail: `${p.detail}: ${path} does not exist`, missing: { path, span } };
}

function settingPair(
  configPath: string,
  settings: Settings,
  folders: string[],
): { glob: string; path: string } | undefined {
  const folder = folders.find((f) => configPath.startsWith(`${f}/`));
  const relative = folder ? configPath.slice(folder.length + 1) : configPath;
  for (const [glob, target] of Object.entries(settings.listing.pairs)) {
    if (!globMatches(glob, relative) && !globMatches(glob, configPath)) continue;
    const expanded = target.replace(/\$\{workspaceFolder\}/g, folder ?? dirOf(configPath));
    return { glob, path: absolute(expanded, folder ?? dirOf(configPath)) };
  }
  return undefined;
}

function absolute(path: string, base: string): string {
  const p = path.replace(/\\/g, '/');
  const joined = /^(\/|[A-Za-z]:\/)/.test(p) ? p : `${base}/${p}`;
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return (joined.startsWith('/') ? '/' : '') + out.join('/');
}

function fileKind(path: string): 'file' | 'directory' | 'missing' {
  try {
    if (!existsSync(path)) return 'missing';
    const stat = statSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'missing';
  } catch {
    return 'missing';
  }
}
