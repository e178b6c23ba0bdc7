// The user's per-code severity settings, applied after analysis so one analysis serves any
// settings (settings are per resource and may change without the config changing).

import type { ServiceDiagnostic, Severity } from './types.ts';

export type SeverityOverride = Severity | 'off';

export function applySeverities(
  diags: ServiceDiagnostic[],
  overrides: Record<string, SeverityOverride> | undefined,
): ServiceDiagnostic[] {
  if (!overrides || !Object.keys(overrides).length) return diags;
  const out: ServiceDiagnostic[] = [];
  for (const d of diags) {
    const wanted = overrides[d.code];
    if (wanted === 'off') continue;
    out.push(wanted && wanted !== d.severity ? { ...d, severity: wanted } : d);
  }
  return out;
}
