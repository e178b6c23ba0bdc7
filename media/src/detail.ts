// The line under the tree: why the selected parameter has its settings (the explanation
// the CLI's `explain` prints, from the payload's rule and formula tables).

import type { Model } from './data.ts';
import { count, full } from './format.ts';

export function showDetail(target: HTMLElement, m: Model | undefined, p: number | undefined): void {
  if (!m || p === undefined || p >= m.n) {
    target.textContent =
      'Select a parameter to see the rule that decided it; clicking reveals it in the listing and the config.';
    target.classList.add('hint');
    return;
  }
  target.classList.remove('hint');
  const c = m.payload.params;
  const rule = m.payload.rules[m.rule[p]];
  const formula = (f: number, value: number): string =>
    f >= 0 ? `${m.payload.formulas[f]} = ${full(value)}` : `${full(value)} (optimizer default)`;
  const parts = [
    `lr = ${formula(c.lrFormula[p], m.lr[p])}`,
    `weight_decay = ${formula(c.wdFormula[p], m.wd[p])}`,
    `${m.payload.shapes[m.shape[p]]}, ${count(m.numel[p])} elements`,
  ];
  if (!Number.isNaN(m.lrScale[p]) && m.payload.lrScaleDeferred)
    parts.splice(
      2,
      0,
      `effective lr = ${full(m.lr[p] * m.lrScale[p])} (lr_scale ${full(m.lrScale[p])}, applied by the scheduler)`,
    );
  const name = span('name', m.names[p]);
  const ruleText = span('rule', rule ? rule.label : '');
  const shadowed = rule?.shadowed.length ? [span('shadowed', `shadows ${rule.shadowed.join(', ')}`)] : [];
  target.replaceChildren(name, ruleText, ...parts.map((t) => span('part', t)), ...shadowed);
}

function span(cls: string, text: string): HTMLElement {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}
