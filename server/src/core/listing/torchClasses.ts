// Lookups over the generated table of torch's own module classes (torchClassTable.ts).
// A plain torch name in a listing (`BatchNorm2d`) stands for the whole torch MRO, so
// resolvers can ask isinstance questions (`_BatchNorm`) of hand-written listings too.

import { NON_MODULE_BASES, TORCH_CLASS_LINES } from './torchClassTable.ts';

export interface TorchClass {
  plain: string;
  qualified: string;
  /** The full MRO, qualified (`torch.nn.modules.conv.Conv2d`, ..., `builtins.object`). */
  mroQualified: string[];
  mro: string[];
}

const MODULE_PREFIX = 'torch.nn.modules.';
export const OBJECT_QUALIFIED = 'builtins.object';
export const MODULE_QUALIFIED = 'torch.nn.modules.module.Module';

let byPlain: Map<string, TorchClass> | undefined;
let byQualified: Map<string, TorchClass> | undefined;

function load(): void {
  const rows = TORCH_CLASS_LINES.trim()
    .split('\n')
    .map((line) => line.split(' '));
  const qualifiedOf = new Map<string, string>(Object.entries(NON_MODULE_BASES));
  for (const [plain, mod] of rows) qualifiedOf.set(plain, `${MODULE_PREFIX}${mod}.${plain}`);
  byPlain = new Map();
  byQualified = new Map();
  for (const [plain, , ...rest] of rows) {
    const mro = [plain, ...rest];
    const cls: TorchClass = {
      plain,
      qualified: qualifiedOf.get(plain)!,
      mro,
      mroQualified: mro.map((c) => qualifiedOf.get(c) ?? c),
    };
    byPlain.set(plain, cls);
    byQualified.set(cls.qualified, cls);
  }
}

/**
 * The torch class a name in a listing means: a plain table name (`Conv2d`), its qualified
 * name, or the spellings people copy from code (`nn.Conv2d`, `torch.nn.Conv2d`).
 */
export function torchClass(name: string): TorchClass | undefined {
  if (!byPlain) load();
  if (!name.includes('.')) return byPlain!.get(name);
  if (name.startsWith('nn.') || name.startsWith('torch.nn.')) {
    const plain = name.slice(name.lastIndexOf('.') + 1);
    const cls = byPlain!.get(plain);
    if (cls && (name === `nn.${plain}` || name === `torch.nn.${plain}` || name === cls.qualified)) return cls;
  }
  return byQualified!.get(name);
}

/** Qualified name of a base written in a listing: torch classes and mixins qualified, others as written. */
export function qualifyBase(name: string): string {
  if (name === 'object') return OBJECT_QUALIFIED;
  return torchClass(name)?.qualified ?? NON_MODULE_BASES[name] ?? name;
}

export const lastSegment = (q: string): string => q.slice(q.lastIndexOf('.') + 1);

/** MRO fields of a module of one torch class (for inferred modules). */
export function torchMro(plain: string): { className: string; mro: string[]; mroQualified: string[] } {
  const cls = torchClass(plain);
  if (!cls)
    return {
      className: plain,
      mro: [plain, 'Module', 'object'],
      mroQualified: [plain, MODULE_QUALIFIED, OBJECT_QUALIFIED],
    };
  return { className: cls.plain, mro: [...cls.mro], mroQualified: [...cls.mroQualified] };
}
