// custom_keys against the model: keys that hit nothing (or only frozen parameters, or are
// always beaten by a longer key), keys that hit by accident (`head` in `decode_head`), and
// `lr_mult=0` used as a freeze.

import { PyDict, toNumber } from '../../pyvalue.ts';
import { getDict } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { customKeyIndex, type KeyStats } from '../customKeyIndex.ts';
import { perListing } from '../listingFacts.ts';
import type { OptimSite } from '../sites.ts';
import { closest } from '../suggest.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { renameFix } from './keyFixes.ts';
import { examples, listingLines, makeDiag, plural } from './make.ts';

export function checkCustomKeys(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    out.push(...lrMultZero(ctx, site));
    const index = customKeyIndex(ctx, site);
    if (!index) continue;
    for (const s of index.keys) {
      const span = ctx.at(s.keySpan);
      if (s.matched === 0) out.push(unmatched(ctx, site, s));
      else if (s.won === 0) {
        const winners = [...s.lostTo.keys()].map((k) => `'${k}'`);
        out.push(
          makeDiag(
            Code.customKeyUnmatched,
            `custom_keys['${s.key}'] matches ${plural(s.matched, 'parameter')} but never applies: a longer key wins on every one of them (${examples(winners)}). The longest matching key takes the whole parameter; its settings are not combined with this one.`,
            span,
            { related: listingLines(ctx, s.examples, `won by ${winners[0]}`) },
          ),
        );
      }
      if (s.partial.size) out.push(broad(ctx, s));
    }
  }
  return out;
}

function unmatched(ctx: ServiceContext, site: OptimSite, s: KeyStats): ServiceDiagnostic {
  const span = ctx.at(s.keySpan);
  if (s.frozen > 0) {
    return makeDiag(
      Code.customKeyUnmatched,
      `custom_keys['${s.key}'] matches only frozen parameters (${s.frozen}, requires_grad=False): the constructor skips them, so this key changes nothing.`,
      span,
    );
  }
  const guess = suggestKey(s.key, nameWords(ctx));
  const how = site.constructorName.includes('LearningRateDecay')
    ? 'of the full parameter name'
    : "of 'module.path.param_name' (with a leading '.' for the model's own parameters)";
  const msg = `custom_keys['${s.key}'] matches no parameter of the model: a key applies to every parameter whose name contains it (a substring ${how}), and none does${guess ? `. Did you mean '${guess}'?` : '. Its settings never reach training.'}`;
  const customKeys = getDict(site.paramwise, 'custom_keys');
  return makeDiag(Code.customKeyUnmatched, msg, span, {
    fixes: guess && customKeys ? renameFix(customKeys, s.key, guess, ctx.sources) : [],
  });
}

/** Distinct name segments of the model (module and parameter names), to suggest a key from. */
function nameWords(ctx: ServiceContext): Set<string> {
  if (!ctx.listing) return new Set();
  return perListing(ctx.listing, 'nameWords', (listing) => {
    const words = new Set<string>();
    for (const m of listing.modules) {
      if (words.size > 5000) break;
      for (const w of m.path.split('.')) if (w && !/^\d+$/.test(w)) words.add(w);
      for (const p of m.params) words.add(p.name);
    }
    return words;
  });
}

/** A key with its one misspelled segment corrected (`bakbone` → `backbone`, `.cls_tokn` → `.cls_token`). */
function suggestKey(key: string, words: Set<string>): string | undefined {
  const segments = key.split('.');
  const unknown = segments
    .map((seg, i) => ({ seg, i }))
    .filter(({ seg }) => seg && !/^\d+$/.test(seg) && !words.has(seg));
  if (unknown.length !== 1) return undefined;
  const guess = closest(unknown[0].seg, words);
  if (!guess) return undefined;
  segments[unknown[0].i] = guess;
  return segments.join('.');
}

function broad(ctx: ServiceContext, s: KeyStats): ServiceDiagnostic {
  const words = [...s.partial].sort((a, b) => b[1].count - a[1].count);
  const list = words.map(([w, { count }]) => `${w} (${count})`);
  const partialCount = words.reduce((n, [, { count }]) => n + count, 0);
  const msg =
    `custom_keys['${s.key}'] is a substring match, not a module name: it hits ${plural(s.matched, 'parameter')}, ${partialCount} of them through longer names — ${examples(list, list.length, 5)}. ` +
    `If you meant one module, write its dotted path (e.g. '${words[0][0]}.').`;
  const related = words.map(([w, { example }]) => ({ name: example, w }));
  return makeDiag(Code.customKeyBroad, msg, ctx.at(s.keySpan), {
    related: related.flatMap(({ name, w }) => listingLines(ctx, [name], `'${s.key}' inside '${w}'`)),
  });
}

/** `lr_mult=0` (or `lr=0`) in a custom key: the parameters still train their graph. */
function lrMultZero(ctx: ServiceContext, site: OptimSite): ServiceDiagnostic[] {
  const customKeys = getDict(site.paramwise, 'custom_keys');
  const out: ServiceDiagnostic[] = [];
  for (const [key, cfg] of customKeys?.items ?? []) {
    if (!(cfg instanceof PyDict)) continue;
    const field = cfg.has('lr_mult') ? 'lr_mult' : cfg.has('lr') ? 'lr' : undefined;
    if (!field || toNumber(cfg.get(field)) !== 0) continue;
    out.push(
      makeDiag(
        Code.lrMultZero,
        `${field}=0 does not freeze custom_keys['${key}']: gradients are still computed (time and memory), BatchNorm running statistics still update, ` +
          'and a scheduler with an absolute eta_min lifts the lr above 0. To freeze, set requires_grad=False on those parameters (e.g. frozen_stages, or model.<module>.requires_grad_(False)).',
        ctx.at(cfg.spanOf(field)),
      ),
    );
  }
  return out;
}
