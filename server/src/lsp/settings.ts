// Settings are asked for per resource on every analysis run and never kept globally: a
// workspace folder (or a language-specific block) may override any key, and the user may
// change them at any time. Whatever the client sends is validated against the defaults.

import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, type SeverityLevel, type Settings } from '../protocol/lsp.ts';

const ANSWER_TIMEOUT_MS = 3000;
const LEVELS: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'hint', 'off']);

export class SettingsSource {
  constructor(
    private readonly connection: Connection,
    /** False for clients without workspace/configuration: they get the defaults. */
    private readonly canAsk: boolean,
  ) {}

  async forResource(uri: string): Promise<Settings> {
    if (!this.canAsk) return validateSettings(undefined);
    const asked = this.connection.workspace.getConfiguration({
      scopeUri: uri,
      section: 'paramwise',
    }) as Promise<unknown>;
    // A client that never answers must not stall analysis: fall back to the defaults.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), ANSWER_TIMEOUT_MS)),
    );
    try {
      return validateSettings(await Promise.race([asked, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Defaults overlaid with every well-typed value of `raw`; wrong types are ignored. */
export function validateSettings(raw: unknown): Settings {
  const r = asRecord(raw);
  const listing = asRecord(r.listing);
  const analysis = asRecord(r.analysis);
  const d = DEFAULT_SETTINGS;
  return {
    listing: { pairs: stringRecord(listing.pairs) },
    autoDiscover: typeof r.autoDiscover === 'boolean' ? r.autoDiscover : d.autoDiscover,
    severity: severityRecord(r.severity),
    analysis: {
      debounceMs: nonNegative(analysis.debounceMs, d.analysis.debounceMs),
      maxConfigSizeKB: nonNegative(analysis.maxConfigSizeKB, d.analysis.maxConfigSizeKB),
      maxListingSizeMB: nonNegative(analysis.maxListingSizeMB, d.analysis.maxListingSizeMB),
      timeoutMs: nonNegative(analysis.timeoutMs, d.analysis.timeoutMs),
    },
    dumper: {
      pythonPath:
        typeof asRecord(r.dumper).pythonPath === 'string' ? String(asRecord(r.dumper).pythonPath) : d.dumper.pythonPath,
    },
    smoke: d.smoke, // client-only: the server never reads it
    trace: d.trace,
  };
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asRecord(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

function severityRecord(v: unknown): Record<string, SeverityLevel> {
  const out: Record<string, SeverityLevel> = {};
  for (const [k, x] of Object.entries(asRecord(v)))
    if (typeof x === 'string' && LEVELS.has(x)) out[k] = x as SeverityLevel;
  return out;
}

function nonNegative(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
