// Completion in a config: paramwise_cfg keys for the chosen constructor, optimizer types and
// their arguments, optim_wrapper keys, custom-key items, and custom-key names from the
// listing's module paths (completed one dotted segment at a time).

import { TORCH_OPTIMIZERS, optimizerSpec } from '../torch/optimizers.ts';
import { contextOf, type ServiceContext } from './context.ts';
import { cursorContext, type CursorContext } from './completionContext.ts';
import { CONSTRUCTORS, CUSTOM_KEY_ITEMS, PARAMWISE_DOCS, WRAPPER_DOCS, WRAPPER_KEYS } from './schema.ts';
import { DEFAULT_CONSTRUCTOR } from './sites.ts';
import type { CompletionInfo, ConfigAnalysis } from './types.ts';

/** Optimizers registered in MMEngine besides torch.optim's (optional packages). */
const REGISTRY_OPTIMIZERS: Record<string, string> = {
  LARS: 'mmpretrain LARS (layer-wise adaptive rate scaling)',
  Lamb: 'mmpretrain / timm LAMB',
  Lion: 'lion-pytorch, registered by MMEngine',
  Adafactor: 'transformers Adafactor, registered by MMEngine',
  ZeroRedundancyOptimizer: 'torch.distributed ZeRO wrapper (optimizer_type=...)',
  DAdaptAdam: 'dadaptation, registered by MMEngine',
  DAdaptSGD: 'dadaptation, registered by MMEngine',
  DAdaptAdaGrad: 'dadaptation, registered by MMEngine',
};
const MAX_PATHS = 200;

export function completionsAt(
  analysis: ConfigAnalysis,
  file: string,
  offset: number,
  _textBefore?: string,
): CompletionInfo[] {
  const ctx = contextOf(analysis);
  const text = ctx.text(file);
  if (text === undefined) return [];
  const cur = cursorContext(text, offset);
  const owner = cur.owners[cur.owners.length - 1];
  const parent = cur.owners[cur.owners.length - 2];
  if (cur.position === 'value') return valueCompletions(cur, owner);
  if (cur.position !== 'key') return [];
  if (owner === 'custom_keys') return modulePaths(ctx, cur);
  if (parent === 'custom_keys')
    return keys(cur, [...CUSTOM_KEY_ITEMS, ...optimizerArgs(ctx)], 'argument', (k) =>
      CUSTOM_KEY_ITEMS.includes(k)
        ? `multiplies the base ${k === 'lr_mult' ? 'lr' : 'weight_decay'}`
        : 'copied verbatim into the param group',
    );
  if (owner === 'paramwise_cfg') return keys(cur, paramwiseKeys(ctx), 'key', (k) => PARAMWISE_DOCS[k]);
  if (owner === 'optimizer')
    return keys(cur, ['type', ...optimizerArgs(ctx, text, offset)], 'argument', (k) => defaultOf(ctx, k));
  if (owner === 'optim_wrapper') return keys(cur, WRAPPER_KEYS.AmpOptimWrapper, 'key', (k) => WRAPPER_DOCS[k]);
  return [];
}

function keys(
  cur: CursorContext,
  names: string[],
  kind: CompletionInfo['kind'],
  doc: (k: string) => string | undefined,
): CompletionInfo[] {
  return [...new Set(names)]
    .filter((k) => k.startsWith(cur.prefix))
    .map((k) => {
      const item: CompletionInfo = {
        label: k,
        kind,
        insertText: cur.quoted ? k : cur.callStyle ? `${k}=` : `'${k}': `,
      };
      const d = doc(k);
      if (d) item.documentation = d;
      return item;
    });
}

function valueCompletions(cur: CursorContext, owner: string | undefined): CompletionInfo[] {
  const quote = (s: string): string => (cur.quoted ? s : `'${s}'`);
  if (cur.valueFor === 'type' && owner === 'optimizer') {
    const torch = Object.keys(TORCH_OPTIMIZERS).map((t): CompletionInfo => ({
      label: t,
      kind: 'optimizer',
      detail: 'torch.optim',
      insertText: quote(t),
    }));
    const registry = Object.entries(REGISTRY_OPTIMIZERS).map(([t, d]): CompletionInfo => ({
      label: t,
      kind: 'optimizer',
      detail: d,
      insertText: quote(t),
    }));
    return [...torch, ...registry].filter((c) => c.label.startsWith(cur.prefix));
  }
  if (cur.valueFor === 'constructor') {
    return Object.keys(CONSTRUCTORS)
      .filter((c) => c.startsWith(cur.prefix))
      .map((c) => ({ label: c, kind: 'value', insertText: quote(c) }));
  }
  if (cur.valueFor === 'type' && owner === 'optim_wrapper') {
    return Object.keys(WRAPPER_KEYS)
      .filter((c) => c.startsWith(cur.prefix))
      .map((c) => ({ label: c, kind: 'value', insertText: quote(c) }));
  }
  return [];
}

function paramwiseKeys(ctx: ServiceContext): string[] {
  const site = ctx.sites[0];
  const schema = CONSTRUCTORS[site?.constructorName ?? DEFAULT_CONSTRUCTOR] ?? CONSTRUCTORS[DEFAULT_CONSTRUCTOR];
  return schema.reads;
}

/** The optimizer's arguments: its type from the text being typed, else from the parsed config. */
function optimizerArgs(ctx: ServiceContext, text?: string, offset?: number): string[] {
  const typed =
    text !== undefined && offset !== undefined
      ? /type\s*=\s*['"](\w+)['"][^)]*$/.exec(text.slice(Math.max(0, offset - 400), offset))?.[1]
      : undefined;
  const type = typed ?? ctx.sites[0]?.optimizerType ?? '';
  return optimizerSpec(type)?.args ?? ['lr', 'weight_decay', 'momentum', 'betas', 'eps'];
}

function defaultOf(ctx: ServiceContext, arg: string): string | undefined {
  const spec = optimizerSpec(ctx.sites[0]?.optimizerType ?? '');
  const d = spec?.defaults.find(([k]) => k === arg);
  if (!d) return undefined;
  return typeof d[1] === 'symbol' ? 'required' : `default ${String(d[1])}`;
}

/** Module paths of the model that extend what is typed by one dotted segment. */
function modulePaths(ctx: ServiceContext, cur: CursorContext): CompletionInfo[] {
  const counts = new Map<string, number>();
  const typed = cur.prefix;
  const base = typed.slice(0, typed.lastIndexOf('.') + 1);
  for (const p of ctx.listing?.params ?? []) {
    if (!p.name.startsWith(base) || !p.name.startsWith(typed)) continue;
    const rest = p.name.slice(base.length);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const path = base + rest.slice(0, dot);
    if (counts.size >= MAX_PATHS && !counts.has(path)) continue;
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  const q = cur.quoted;
  return [...counts].map(([path, n]) => ({
    label: path,
    kind: 'module-path',
    detail: `${n} ${n === 1 ? 'param' : 'params'}`,
    insertText: q ? path : `'${path}'`,
  }));
}
