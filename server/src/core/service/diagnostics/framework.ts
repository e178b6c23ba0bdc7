// Problems found by the stages below the service (config loader, resolvers, the framework's
// own build errors), converted into service diagnostics with positions that always exist.

import type { LoadedConfig } from '../../config/types.ts';
import type { ResolveResult } from '../../resolve/types.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { siteSpan } from '../sites.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { makeDiag } from './make.ts';

const FRAMEWORK_OF: Record<string, string> = {
  'mmengine.default': 'MMEngine',
  'mmcv.default': 'mmcv',
  'mmpretrain.layer_decay': 'mmpretrain',
  'mmseg.layer_decay': 'mmseg/mmdet',
  'mmengine.tutorial_depth_decay': 'The tutorial constructor',
  'mmagic.multi_optim': 'mmagic',
  'timm.weight_decay': 'timm',
  'timm.layer_decay': 'timm',
  'convnext.layer_decay': 'The ConvNeXt factory',
  'beit.layer_decay': 'The BEiT factory',
  'paramwise.layer_rules': 'Paramwise',
};

export function convertConfigDiagnostics(ctx: ServiceContext, config: LoadedConfig): ServiceDiagnostic[] {
  return config.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: ctx.at(d.span),
  }));
}

export function convertResolveDiagnostics(ctx: ServiceContext, result: ResolveResult): ServiceDiagnostic[] {
  return result.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: ctx.at(d.span ?? siteOrRoot(ctx)),
  }));
}

/** ResolvedOptimizer.error: what the framework raises while building the optimizer. */
export function convertFrameworkErrors(ctx: ServiceContext, result: ResolveResult): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const opt of result.optimizers) {
    const e = opt.error;
    if (!e || [...ctx.claimedErrors].some((claim) => e.message.includes(claim))) continue;
    const site = ctx.siteOf(opt);
    const who = FRAMEWORK_OF[opt.scheme] ?? 'The framework';
    const where = opt.name ? ` for optimizer '${opt.name}'` : '';
    const span = e.span ?? site?.optimizer?.span ?? (site && siteSpan(site));
    const message =
      e.type === 'Unresolved'
        ? `Paramwise cannot resolve the param groups${where}. ${e.message}`
        : `${who} raises ${e.type} while building the optimizer${where}; training never starts. \`${e.type}: ${e.message}\`.`;
    out.push(makeDiag(Code.frameworkError, message, ctx.at(span), e.type === 'Unresolved' ? { severity: 'info' } : {}));
  }
  return out;
}

function siteOrRoot(ctx: ServiceContext) {
  const site = ctx.sites[0];
  return site ? siteSpan(site) : undefined;
}
