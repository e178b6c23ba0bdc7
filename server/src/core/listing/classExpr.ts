// The owner-class column of a .params line: `Conv2d(in_channels=96, groups=96)`,
// `timm.layers.norm.LayerNorm2d<LayerNorm>`, `mmengine.model.base_module.Sequential<mmengine.model.base_module.BaseModule, Sequential>`.
// `A<B, C>` spells the MRO: A, then B, C, then the MRO of the last one when it is a torch
// class, or `Module, object` when it is not. The writer picks the shortest spelling that
// reads back to the same MRO, so a listing survives text and back unchanged.

import type { ModuleEntry } from './model.ts';
import { MODULE_QUALIFIED, OBJECT_QUALIFIED, lastSegment, qualifyBase, torchClass } from './torchClasses.ts';
import { parseAttrs, formatAttrValue } from './attrValues.ts';

export interface ParsedClass {
  /** The class as written, without attributes (for messages). */
  key: string;
  /** The MRO it stands for: lines of one module must agree on it (`nn.Conv2d` is `Conv2d`). */
  identity: string;
  className: string;
  mro: string[];
  mroQualified: string[];
  attrs: Record<string, unknown>;
}

export type ClassParse = { value: ParsedClass } | { error: string; offset: number };

/** The attributes the resolvers read (MMEngine's depth-wise test is `in_channels == groups`). */
export const ESSENTIAL_ATTRS: ReadonlySet<string> = new Set(['in_channels', 'groups']);

const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46;

export function parseClassExpr(text: string): ClassParse {
  const chain: string[] = [];
  let i = readName(text, 0, chain);
  if (i < 0) return { error: 'expected a class name', offset: 0 };
  if (text.charCodeAt(i) === 60 /* < */) {
    do {
      i++;
      while (text.charCodeAt(i) === 32) i++;
      const next = readName(text, i, chain);
      if (next < 0) return { error: 'expected a base class name', offset: i };
      i = next;
      while (text.charCodeAt(i) === 32) i++;
    } while (text.charCodeAt(i) === 44 /* , */);
    if (text.charCodeAt(i) !== 62 /* > */) return { error: "expected ',' or '>' in the base list", offset: i };
    i++;
  }
  const key = text.slice(0, i);
  let attrs: Record<string, unknown> = {};
  if (text.charCodeAt(i) === 40 /* ( */) {
    const parsed = parseAttrs(text, i);
    if ('error' in parsed) return parsed;
    attrs = parsed.value;
    i = parsed.end;
  }
  if (i !== text.length) return { error: 'unexpected text after the class', offset: i };
  const { className, mro, mroQualified } = expandChain(chain);
  // One parse serves every module written with this class: its parts are shared and must be
  // treated as immutable. The attributes are frozen; the MRO arrays are not, as V8 reads frozen
  // arrays' elements through a slower path and resolvers walk MROs constantly.
  return { value: { key, identity: mroQualified.join(' '), attrs: deepFreeze(attrs), className, mro, mroQualified } };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key in value) deepFreeze(value[key]);
    Object.freeze(value);
  }
  return value;
}

function readName(text: string, start: number, out: string[]): number {
  const first = text.charCodeAt(start);
  if (!(isNameChar(first) && first !== 46 && (first < 48 || first > 57))) return -1;
  let i = start + 1;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  out.push(text.slice(start, i));
  return i;
}

/** The MRO a written chain stands for. */
export function expandChain(chain: string[]): { className: string; mro: string[]; mroQualified: string[] } {
  const mroQualified: string[] = [];
  for (let i = 0; i < chain.length; i++) {
    const last = i === chain.length - 1;
    const torch = torchClass(chain[i]);
    if (last && torch) mroQualified.push(...torch.mroQualified);
    else mroQualified.push(qualifyBase(chain[i]));
    if (last && !torch && mroQualified[mroQualified.length - 1] !== OBJECT_QUALIFIED)
      mroQualified.push(MODULE_QUALIFIED, OBJECT_QUALIFIED);
  }
  const mro = mroQualified.map(lastSegment);
  return { className: mro[0], mro, mroQualified };
}

const classSpellings = new Map<string, string>();

/** The shortest chain that reads back to this module's MRO (memoised: models repeat a few MROs). */
export function formatClassName(m: Pick<ModuleEntry, 'className' | 'mro' | 'mroQualified'>): string {
  const mro = m.mroQualified.length ? m.mroQualified : m.mro.length ? m.mro : [m.className];
  const memoKey = mro.join(' ');
  let spelled = classSpellings.get(memoKey);
  if (spelled === undefined) {
    spelled = shortestChain(mro).join(', ').replace(', ', '<');
    if (spelled.includes('<')) spelled += '>';
    classSpellings.set(memoKey, spelled);
  }
  return spelled;
}

function shortestChain(mro: string[]): string[] {
  const want = mro.join(' ');
  for (let k = 0; k < mro.length; k++) {
    const torch = torchClass(mro[k]);
    const tail = mro[k].includes('.') ? torch?.mroQualified : torch?.mro;
    if (!torch || tail?.join(' ') !== mro.slice(k).join(' ')) continue;
    const omitModule = k > 0 && torch.plain === 'Module';
    const chain = [...mro.slice(0, k), ...(omitModule ? [] : [torch.plain])];
    if (sameMro(chain, want)) return chain;
  }
  const full = [...mro];
  if (!sameMro(full, want) && !/(^|\.)object$/.test(full[full.length - 1])) full.push('object');
  return full;
}

function sameMro(chain: string[], want: string): boolean {
  const expanded = expandChain(chain);
  return (want.includes('.') ? expanded.mroQualified : expanded.mro).join(' ') === want;
}

/** `Conv2d(in_channels=96, groups=96)`: the class plus the chosen attributes. */
export function formatClassExpr(m: ModuleEntry, attrs: 'essential' | 'all' | 'none'): string {
  const name = formatClassName(m);
  if (attrs === 'none') return name;
  const parts: string[] = [];
  for (const key of Object.keys(m.attrs)) {
    if (attrs === 'all' || ESSENTIAL_ATTRS.has(key)) parts.push(`${key}=${formatAttrValue(m.attrs[key])}`);
  }
  return parts.length ? `${name}(${parts.join(', ')})` : name;
}
