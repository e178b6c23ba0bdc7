// "Explain this parameter": the hover on a listing line or on a parameter name in a config.
// Everything a user otherwise reconstructs from the training log.

import { shortenNumbers } from '../numeric/format.ts';
import type { ParamOutcome, ResolvedOptimizer } from '../resolve/types.ts';
import { effectiveLr } from '../analysis/explain.ts';
import type { ServiceContext } from './context.ts';
import { num } from './diagnostics/make.ts';

export function paramMarkdown(ctx: ServiceContext, name: string): string | undefined {
  const found = outcomesOf(ctx, name);
  const info = ctx.param(name);
  if (!found.length && !info) return undefined;
  const head = `**${name}**${info ? ` · \`[${info.shape.join(', ')}]\`${info.module ? ` · ${info.module.className}` : ''}` : ''}`;
  if (!ctx.result)
    return `${head}\n\nNo param groups yet: pair this config with a model listing to see this parameter's lr and weight decay.`;
  const parts = [head, ...found.map(({ opt, p }) => outcomeTable(opt, p))];
  for (const opt of ctx.result.optimizers) {
    const excluded = opt.excluded.find((e) => e.name === name);
    if (excluded) parts.push(`Not in ${optimizerLabel(opt)}: ${excluded.reason}.`);
  }
  if (parts.length === 1)
    parts.push(
      info && !info.requiresGrad
        ? 'Frozen (requires_grad=False): no optimizer sees it.'
        : 'No optimizer of this config sees this parameter.',
    );
  return parts.join('\n\n');
}

function outcomesOf(ctx: ServiceContext, name: string): { opt: ResolvedOptimizer; p: ParamOutcome }[] {
  return (ctx.result?.optimizers ?? []).flatMap((opt) => {
    const p = ctx.outcomes(opt).get(name);
    return p ? [{ opt, p }] : [];
  });
}

function optimizerLabel(opt: ResolvedOptimizer): string {
  return `${opt.optimizerType || 'the optimizer'}${opt.name ? ` '${opt.name}'` : ''}`;
}

function outcomeTable(opt: ResolvedOptimizer, p: ParamOutcome): string {
  const t = p.trace;
  const rows: [string, string][] = [
    ['rule', t.label],
    ['lr', `\`${num(p.lr)}\`${t.lrFormula ? ` = ${shortenNumbers(t.lrFormula)}` : ' (optimizer default)'}`],
    [
      'weight_decay',
      `\`${num(p.weightDecay)}\`${t.wdFormula ? ` = ${shortenNumbers(t.wdFormula)}` : ' (optimizer default)'}`,
    ],
  ];
  if (p.lr !== null && p.weightDecay !== null)
    rows.push([
      'lr·wd',
      `\`${num(p.lr * p.weightDecay)}\` per step${opt.optimizerType === 'AdamW' ? ' (decoupled decay)' : ''}`,
    ]);
  if (p.layerId !== undefined)
    rows.push(['layer', `${p.layerId}${p.lrScale !== undefined ? ` · lr_scale ${num(p.lrScale)}` : ''}`]);
  if (opt.lrScaleDeferred && p.lrScale !== undefined)
    rows.push(['effective lr', `\`${num(effectiveLr(opt, p))}\` once the framework's scheduler applies lr_scale`]);
  if (t.shadowed.length) rows.push(['shadowed', t.shadowed.join(', ')]);
  rows.push(['group', `${p.group} of ${opt.groups.length} in ${optimizerLabel(opt)}`]);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)].join('\n');
  const log =
    p.group === 0
      ? '**Group 0**: this is the parameter whose lr the training log prints as `lr`.'
      : `Not group 0: the \`lr\` in the training log is group 0's, not this one's.`;
  return `${table}\n\n${log}`;
}
