// The language service: everything the editor features need from the core, as plain data
// with offsets. Pure: no vscode, no LSP, no fs; file contents come in through `sources`.
// The LSP server converts these results in one place (server/src/lsp/convert.ts).

import { DEFAULT_SEVERITY } from './codes.ts';

export type * from './types.ts';
export { analyzeConfig, analyzeListing } from './analyze.ts';
export { hoverAt } from './hover.ts';
export { lensesFor, LENS_COMMANDS } from './lenses.ts';
export { definitionAt, referencesAt, MAX_REFERENCES } from './navigation.ts';
export { completionsAt } from './completion.ts';
export { applySeverities, type SeverityOverride } from './severity.ts';
export { applyEdits } from './edits.ts';
export { Code, DEFAULT_SEVERITY, type CodeId } from './codes.ts';

/** Every code the service itself can emit (codes passed through from the loader, readers and resolvers are not listed). */
export const DIAGNOSTIC_CODES: readonly string[] = Object.keys(DEFAULT_SEVERITY);
