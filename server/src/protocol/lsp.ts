// The LSP side of the protocol: custom requests and notifications between the VS Code client
// and the language server, the typed settings with their defaults, and the client's ids.
// Dependency-free on purpose: the client bundle and the server bundle each carry their own
// copy of vscode-jsonrpc (in different versions), so sharing method names and phantom types
// (not RequestType objects) keeps the two sides from depending on one another's libraries.
// Both sides send and register through typed helpers (`sendTyped` in the client,
// `onTyped` in the server) that take these definitions, so a shape changes in one place.
//
// To add a setting:
//   1. add it to `Settings` and `DEFAULT_SETTINGS` below (the server reads it through
//      `validateSettings` in server/src/lsp/settings.ts, which checks its type);
//   2. add it under `contributes.configuration` in package.json, prefixed `paramwise.`,
//      `"scope": "resource"` unless it only makes sense per machine;
//   3. read it per resource where it is used (never cache it in a global);
//   4. mention it in server/src/lsp/README.md (the settings table and the Neovim example list every key).

import type { ExplorerPayload } from '../core/explorer/types.ts';

/** A request: method name plus phantom parameter/result types. */
export interface RequestDef<P, R> {
  method: string;
  /** Never set; carries the types. */
  readonly _types?: [P, R];
}
/** A notification: method name plus a phantom parameter type. */
export interface NotificationDef<P> {
  method: string;
  readonly _types?: P;
}

export type PairingSource = 'override' | 'directive' | 'setting' | 'discovered' | 'none';

/** Which listing a config is analysed against, and why. */
export interface PairingStatus {
  configUri: string;
  listingUri?: string;
  source: PairingSource;
  /** One line for a tooltip: where the pairing came from, or why there is none. */
  detail: string;
}

export interface ListingCandidate {
  uri: string;
  /** Workspace-relative path for the quick pick. */
  label: string;
  /** Why it is offered ("same basename", "next to the config", ...). */
  reason: string;
}

/** Options the explorer's data depends on: the parameter of `Requests.explorerData`. */
export interface ExplorerDataRequest {
  uri: string;
  itersPerEpoch?: number;
  optimizerIndex?: number;
}

/** The explorer's data, or why there is none (no listing paired, unreadable listing...). */
export type ExplorerDataResult = { payload: ExplorerPayload } | { unavailable: string };

/** The request's parameter and result types, for the typed send/register helpers. */
export type ParamsOf<D> = D extends RequestDef<infer P, unknown> ? P : D extends NotificationDef<infer P> ? P : never;
export type ResultOf<D> = D extends RequestDef<unknown, infer R> ? R : never;

export const Requests = {
  /** client → server: the pairing of a document, when the active editor changes (status bar). */
  getPairing: { method: 'paramwise/getPairing' } as RequestDef<{ uri: string }, PairingStatus | null>,
  /** client → server: the user picked a listing in the quick pick (null = back to automatic). */
  setPairing: { method: 'paramwise/setPairing' } as RequestDef<
    { configUri: string; listingUri: string | null },
    PairingStatus | null
  >,
  /** client → server: listings to offer in the quick pick, ranked the way auto-discovery ranks them. */
  listingCandidates: { method: 'paramwise/listingCandidates' } as RequestDef<{ configUri: string }, ListingCandidate[]>,
  /** client → server: the group explorer's payload, from the analysis the server holds for that config (null = not a config it analyses). */
  explorerData: { method: 'paramwise/explorerData' } as RequestDef<ExplorerDataRequest, ExplorerDataResult | null>,
};

export const Notifications = {
  /** server → client: a config's pairing was (re)computed, so the status bar updates without polling. */
  pairing: { method: 'paramwise/pairing' } as NotificationDef<PairingStatus>,
  /** client → server: the workspace's trust (at start in `InitializationOptions`; this when the user grants it). */
  workspaceTrust: { method: 'paramwise/workspaceTrust' } as NotificationDef<{ trusted: boolean }>,
};

/** The client's `initializationOptions`; a client that sends no `workspaceTrusted` is treated as trusted. */
export interface InitializationOptions {
  workspaceTrusted?: boolean;
}

export type SeverityLevel = 'error' | 'warning' | 'info' | 'hint' | 'off';

export interface Settings {
  listing: {
    /** Glob over the config path (workspace-relative or absolute) → listing path (same). */
    pairs: Record<string, string>;
  };
  /** Look for a listing next to the config and in the workspace when nothing else pairs one. */
  autoDiscover: boolean;
  /** Severity per diagnostic code; 'off' hides it. */
  severity: Record<string, SeverityLevel>;
  analysis: {
    /** Quiet time after the last edit before a document is re-analysed. */
    debounceMs: number;
    /** Configs larger than this get one diagnostic and no analysis. */
    maxConfigSizeKB: number;
    /** Listings larger than this are not read. */
    maxListingSizeMB: number;
    /** An analysis running longer than this is stopped and says so in its file (0 = no limit). */
    timeoutMs: number;
  };
  dumper: {
    /** Python used by "Dump model parameters" (client only). */
    pythonPath: string;
  };
  /** "Smoke-train this config" (client only); a tasks.json definition sets its own. */
  smoke: {
    steps: number;
    backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
    /** Proxy widths × this, in (0, 1]; null = chosen from the model's size. */
    widthScale: number | null;
  };
  trace: {
    /** Read by vscode-languageclient itself. */
    server: 'off' | 'messages' | 'verbose';
  };
}

export const DEFAULT_SETTINGS: Settings = {
  listing: { pairs: {} },
  autoDiscover: true,
  severity: {},
  analysis: { debounceMs: 150, maxConfigSizeKB: 1024, maxListingSizeMB: 256, timeoutMs: 5000 },
  dumper: { pythonPath: 'python' },
  smoke: { steps: 300, backend: 'auto', widthScale: null },
  trace: { server: 'off' },
};

/** The language id the client contributes for `.params` listings. */
export const PARAMS_LANGUAGE_ID = 'paramwise-params';

/**
 * Commands the server executes (workspace/executeCommand; VS Code's client registers them
 * itself). A quick fix whose edit lands in another file than its diagnostic's runs `revealFile`
 * after the edit, so the user sees the change (the server asks the client: window/showDocument).
 */
export const ServerCommands = {
  revealFile: 'paramwise.revealFile',
} as const;

/** Client command ids (package.json `contributes.commands` lists the same). */
export const Commands = {
  restartServer: 'paramwise.restartServer',
  showOutput: 'paramwise.showOutput',
  choosePairing: 'paramwise.choosePairing',
  openExplorer: 'paramwise.openExplorer',
  smokeTrain: 'paramwise.smokeTrain',
  dumpParams: 'paramwise.dumpParams',
} as const;
