// Runs one conformance case (config × model → expected groups) through the resolvers.

import { PyDict, PyError } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { resolveOptimWrapper } from '../resolve/optimWrapper.ts';
import { resolveTimmCase } from '../resolve/timm.ts';
import { resolveFactoryCase } from '../resolve/factories.ts';
import type { ResolvedOptimizer, ResolveDiagnostic } from '../resolve/types.ts';
import { compareWithExpected, type CaseVerdict } from './compare.ts';

export function resolveCase(c: PyDict, listing: ModelListing): ResolvedOptimizer {
  const scheme = String(c.get('scheme'));
  const config = c.get('config');
  const diagnostics: ResolveDiagnostic[] = [];
  if (!(config instanceof PyDict)) throw new PyError('ValueError', 'case has no config dict');
  if (
    scheme.startsWith('mmengine.') ||
    scheme.startsWith('mmpretrain.') ||
    scheme.startsWith('mmseg.') ||
    scheme.startsWith('mmdet.')
  ) {
    return resolveOptimWrapper(config, listing, diagnostics);
  }
  if (scheme.startsWith('timm.')) return resolveTimmCase(config, listing, diagnostics);
  if (scheme === 'convnext.layer_decay' || scheme === 'beit.layer_decay')
    return resolveFactoryCase(scheme === 'beit.layer_decay' ? 'beit' : 'convnext', config, listing, diagnostics);
  throw new PyError('ValueError', `unknown scheme '${scheme}'`);
}

export function runCase(c: PyDict, listing: ModelListing): CaseVerdict {
  const expected = c.get('expected');
  if (!(expected instanceof PyDict)) return { ok: false, detail: 'case has no expected result' };
  try {
    return compareWithExpected(expected, resolveCase(c, listing));
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}
