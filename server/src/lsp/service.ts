// The server's single import point for the language service and the listing reader, so the
// rest of the server names one module for "the core's editor features".

export {
  analyzeConfig,
  analyzeListing,
  applySeverities,
  completionsAt,
  definitionAt,
  hoverAt,
  lensesFor,
  referencesAt,
  DIAGNOSTIC_CODES,
} from '../core/service/index.ts';
export type {
  CompletionInfo,
  ConfigAnalysis,
  DefinitionInfo,
  HoverInfo,
  LensInfo,
  ServiceDiagnostic,
  Severity,
  TextEdit,
} from '../core/service/index.ts';
export { listingTooLargeMessage, readListing } from '../core/listing/index.ts';
