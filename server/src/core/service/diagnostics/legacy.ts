// Top-level keys from mmcv 1.x configs that MMEngine's Runner never reads (mmdetection
// #11232, #10865): pasted into a 3.x config they silently do nothing.

import { PyDict, pyEquals, type PyValue } from '../../pyvalue.ts';
import { getDict } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { dictText, insertEntry, renderEntry } from '../edits.ts';
import { lineEndOf, lineStartOf } from '../pyScan.ts';
import { LEGACY_ROOT_KEYS } from '../schema.ts';
import type { ServiceDiagnostic, TextEdit } from '../types.ts';
import { makeDiag } from './make.ts';

/** Keys that only an MMEngine config has: their presence says the Runner is MMEngine's. */
const MMENGINE_MARKERS = ['optim_wrapper', 'param_scheduler', 'train_cfg'];

export function checkLegacyKeys(ctx: ServiceContext): ServiceDiagnostic[] {
  const root = ctx.root;
  if (!MMENGINE_MARKERS.some((k) => root.has(k))) return [];
  const out: ServiceDiagnostic[] = [];
  for (const [key, advice] of Object.entries(LEGACY_ROOT_KEYS)) {
    if (root.has(key) && root.get(key) !== null)
      out.push(makeDiag(Code.legacyKey, `${key}= is ${advice}`, ctx.at(root.keySpans.get(key))));
  }
  const ow = getDict(root, 'optim_wrapper');
  const differing = ow ? differingKeys(root.get('optimizer'), ow.get('optimizer')) : [];
  // `optimizer = dict(...)` reused as `optim_wrapper = dict(optimizer=optimizer)` is fine; only values that differ mislead.
  if (differing.length) {
    out.push(
      makeDiag(
        Code.legacyKey,
        `The top-level optimizer= differs from optim_wrapper.optimizer, which is the one training uses. ` +
          `MMEngine's Runner reads only optim_wrapper.optimizer; they differ in ${differing.join(', ')}. Edit optim_wrapper.optimizer instead.`,
        ctx.at(root.keySpans.get('optimizer')),
      ),
    );
  }
  if (ow && root.has('paramwise_cfg')) {
    out.push(
      makeDiag(
        Code.misplacedKey,
        'A top-level paramwise_cfg is ignored when optim_wrapper exists. MMEngine reads optim_wrapper.paramwise_cfg; move it into optim_wrapper.',
        ctx.at(root.keySpans.get('paramwise_cfg')),
        {
          severity: 'warning',
          fixes: [
            {
              title: 'Move paramwise_cfg into optim_wrapper',
              edits: moveStatement(ctx, root, 'paramwise_cfg', ow),
              preferred: true,
            },
          ],
        },
      ),
    );
  }
  return out;
}

function differingKeys(top: PyValue | undefined, used: PyValue | undefined): string[] {
  if (!(top instanceof PyDict)) return [];
  if (!(used instanceof PyDict)) return top.keys();
  return top.keys().filter((k) => !pyEquals(top.get(k), used.get(k)));
}

/** `name = value` on lines of its own, moved into `target` as an entry. */
function moveStatement(ctx: ServiceContext, root: PyDict, key: string, target: PyDict): TextEdit[] {
  const ks = root.keySpans.get(key);
  const vs = root.valueSpans.get(key);
  const text = ks && ctx.text(ks.file);
  const dt = dictText(target, ctx.sources);
  if (!ks || !vs || text === undefined || !dt || vs.file !== ks.file) return [];
  const start = lineStartOf(text, ks.start);
  const end = lineEndOf(text, vs.end);
  if (text.slice(start, ks.start).trim() || text.slice(vs.end, end).replace(/#.*/, '').trim()) return [];
  const insertion = insertEntry(dt, renderEntry(dt, key, text.slice(vs.start, vs.end)));
  const removal = { file: ks.file, start, end: Math.min(text.length, end + 1), newText: '' };
  const overlaps = insertion.file === removal.file && insertion.start < removal.end && insertion.end > removal.start;
  return overlaps ? [] : [removal, insertion];
}
