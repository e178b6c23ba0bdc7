// One config (+ its paired listing) → every diagnostic, computed once per change. The checks
// that need no model always run; the rest run when a listing is given.

import { resolveConfig } from '../resolve/index.ts';
import type { ResolveResult } from '../resolve/types.ts';
import { Code, DEFAULT_SEVERITY } from './codes.ts';
import { rememberContext, ServiceContext } from './context.ts';
import { checkBaseWeightDecay } from './diagnostics/baseWd.ts';
import { checkCustomKeys } from './diagnostics/customKeys.ts';
import {
  convertConfigDiagnostics,
  convertFrameworkErrors,
  convertResolveDiagnostics,
} from './diagnostics/framework.ts';
import { checkWrapperAndOptimizerKeys } from './diagnostics/keys.ts';
import { checkLayerDecay } from './diagnostics/layerDecay.ts';
import { checkLegacyKeys } from './diagnostics/legacy.ts';
import { checkDecayOnNoDecayParams } from './diagnostics/noDecay.ts';
import { checkOptimizerType } from './diagnostics/optimizerType.ts';
import { checkParamwiseKeys } from './diagnostics/paramwiseKeys.ts';
import { checkSchedulers } from './diagnostics/schedulers.ts';
import { checkCustomKeyShadows } from './diagnostics/shadowRules.ts';
import { checkSharing } from './diagnostics/sharing.ts';
import { checkNonFinite } from './diagnostics/nonFinite.ts';
import type { AnalyzeInput, ConfigAnalysis, ServiceDiagnostic } from './types.ts';

export { analyzeListing } from './diagnostics/listing.ts';

type Check = (ctx: ServiceContext) => ServiceDiagnostic[];

/** Order matters only for claims: checks that explain a framework error run before its conversion. */
const CHECKS: Check[] = [
  checkNonFinite,
  checkOptimizerType,
  checkBaseWeightDecay,
  checkWrapperAndOptimizerKeys,
  checkParamwiseKeys,
  checkLegacyKeys,
  checkCustomKeys,
  checkCustomKeyShadows,
  checkDecayOnNoDecayParams,
  checkLayerDecay,
  checkSchedulers,
  checkSharing,
];

export function analyzeConfig(input: AnalyzeInput): ConfigAnalysis {
  const listing = input.listing?.listing;
  // A config whose evaluation stopped early has no values to resolve or check: its one
  // diagnostic says why, and anything more ("no optimizer found") would be about a config
  // Paramwise never finished reading.
  const stopped = input.config.stopped === true;
  const resolved =
    listing && !stopped
      ? safeResolve(input.file, () => resolveConfig(input.config.root, listing, input.resolveOptions))
      : {};
  const ctx = new ServiceContext(input.file, input.config.root, listing, resolved.value, input.sources);
  const diagnostics: ServiceDiagnostic[] = convertConfigDiagnostics(ctx, input.config);
  if (resolved.crash) diagnostics.push(resolved.crash);
  for (const check of stopped ? [] : CHECKS) diagnostics.push(...runCheck(ctx, check));
  if (resolved.value)
    diagnostics.push(...convertResolveDiagnostics(ctx, resolved.value), ...convertFrameworkErrors(ctx, resolved.value));
  const analysis: ConfigAnalysis = {
    file: input.file,
    config: input.config,
    listing: input.listing,
    result: resolved.value,
    diagnostics,
    sources: input.sources,
  };
  rememberContext(analysis, ctx);
  return analysis;
}

// The core reports rather than throws: a bug in one check must not take every other
// diagnostic (or the server) down with it.
function safeResolve(file: string, resolve: () => ResolveResult): { value?: ResolveResult; crash?: ServiceDiagnostic } {
  try {
    return { value: resolve() };
  } catch (e) {
    return { crash: internalError(file, 'resolving the param groups', e) };
  }
}

function runCheck(ctx: ServiceContext, check: Check): ServiceDiagnostic[] {
  try {
    return check(ctx);
  } catch (e) {
    return [internalError(ctx.file, `the ${check.name} check`, e)];
  }
}

function internalError(file: string, during: string, e: unknown): ServiceDiagnostic {
  const message = `Internal error in Paramwise while ${during}; the other checks still ran. ${e instanceof Error ? e.message : String(e)}. Please report this.`;
  // A fault of the tool, not of the config: worth knowing (results may be incomplete), no more.
  return {
    code: Code.internalError,
    severity: DEFAULT_SEVERITY[Code.internalError],
    message,
    span: { file, start: 0, end: 0 },
  };
}
