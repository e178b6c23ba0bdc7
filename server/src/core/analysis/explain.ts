// "Explain this parameter": the winning rule, what it shadowed and the arithmetic, as
// plain lines the CLI prints and the server renders as a hover.

import { pyFloatRepr } from '../pyvalue.ts';
import type { ParamOutcome, ResolvedOptimizer } from '../resolve/types.ts';

export function explainParam(opt: ResolvedOptimizer, p: ParamOutcome): string[] {
  const t = p.trace;
  const lines = [`${p.name}: group ${p.group}${opt.name ? ` of optimizer '${opt.name}'` : ''}`];
  const lr = p.lr === null ? 'None' : pyFloatRepr(p.lr);
  lines.push(`lr = ${t.lrFormula ? `${t.lrFormula} = ${lr}` : `${lr} (optimizer default)`}`);
  const wd = p.weightDecay === null ? 'None' : pyFloatRepr(p.weightDecay);
  lines.push(`weight_decay = ${t.wdFormula ? `${t.wdFormula} = ${wd}` : `${wd} (optimizer default)`}`);
  if (p.lr !== null && p.weightDecay !== null) lines.push(`lr·wd = ${pyFloatRepr(p.lr * p.weightDecay)}`);
  if (p.lrScale !== undefined && opt.lrScaleDeferred) {
    lines.push(
      `lr_scale = ${pyFloatRepr(p.lrScale)}: the effective lr is ${p.lr === null ? 'lr' : pyFloatRepr(p.lr * p.lrScale)} once the framework's scheduler applies it`,
    );
  }
  if (p.layerId !== undefined) lines.push(`layer id ${p.layerId}`);
  lines.push(`rule: ${t.label}`);
  if (t.shadowed.length) lines.push(`shadowed: ${t.shadowed.join(', ')}`);
  if (p.group === 0) lines.push('this is group 0: the lr the training log prints');
  return lines;
}

/** Effective lr after lr_scale where the framework applies it later. */
export function effectiveLr(opt: ResolvedOptimizer, p: ParamOutcome): number | null {
  if (p.lr === null) return null;
  return opt.lrScaleDeferred && p.lrScale !== undefined ? p.lr * p.lrScale : p.lr;
}
