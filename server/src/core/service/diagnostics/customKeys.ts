// custom_keys against the model: keys that hit nothing (or only frozen parameters, or are
// always beaten by a longer key), keys that hit by accident (`head` in `decode_head`), and
// `lr_mult=0` used as a freeze.
//
// A key that matches nothing changes nothing in training. It is worth a warning only where
// the author evidently meant some parameters of this model: the key nearly matches (a typo,
// a leading dot that no name below the top level has), or it was written in the opened
// config and sets more than a decay exemption. Keys inherited from a shared `_base_` file
// were written for other architectures and are only hints.

import { PyDict, toNumber, type Span } from '../../pyvalue.ts';
import { getDict } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { countMatching, customKeyIndex, type KeyStats } from '../customKeyIndex.ts';
import { forEachModule, perListing } from '../listingFacts.ts';
import type { OptimSite } from '../sites.ts';
import { editDistance } from '../suggest.ts';
import type { ServiceDiagnostic, Severity } from '../types.ts';
import { renameFix } from './keyFixes.ts';
import { examples, listingLines, makeDiag, plural } from './make.ts';

export function checkCustomKeys(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    out.push(...lrMultZero(ctx, site));
    const index = customKeyIndex(ctx, site);
    if (!index) continue;
    for (const s of index.keys) {
      if (s.matched === 0) out.push(unmatched(ctx, site, s));
      else if (s.won === 0) out.push(neverApplies(ctx, s));
      if (s.partial.size) {
        const d = broad(ctx, site, s);
        if (d) out.push(d);
      }
    }
  }
  return out;
}

/** Where a key was written: the analysed config, or a `_base_` file it inherits. */
export function inheritedFrom(ctx: ServiceContext, span: Span | undefined): string | undefined {
  return span && span.file !== ctx.file ? baseName(span.file) : undefined;
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

const INHERITED =
  'It comes from a shared _base_ file, probably written for another architecture; it changes nothing here.';

function unmatched(ctx: ServiceContext, site: OptimSite, s: KeyStats): ServiceDiagnostic {
  const span = ctx.at(s.keySpan);
  const near = nearMiss(ctx, site, s.key);
  const customKeys = getDict(site.paramwise, 'custom_keys');
  if (near) {
    return makeDiag(
      Code.customKeyUnmatched,
      `custom_keys['${s.key}'] matches no parameter; '${near.key}' would match ${plural(near.count, 'parameter')}. ` +
        `${near.why} Its settings never reach training as written (e.g. ${examples(near.examples, near.count, 2)} would get them).`,
      span,
      {
        severity: 'warning',
        fixes: customKeys ? renameFix(customKeys, s.key, near.key, ctx.sources) : [],
        related: listingLines(ctx, near.examples, `matched by '${near.key}'`),
      },
    );
  }
  const base = inheritedFrom(ctx, s.keySpan);
  if (s.frozen > 0) {
    return makeDiag(
      Code.customKeyUnmatched,
      `custom_keys['${s.key}'] matches only frozen parameters (${s.frozen}), so it changes nothing. ` +
        'The constructor skips parameters with requires_grad=False; the key only matters if they are unfrozen.',
      span,
      { severity: 'hint' },
    );
  }
  if (base) {
    return makeDiag(
      Code.customKeyUnmatched,
      `custom_keys['${s.key}'] matches no parameter of this model. ${INHERITED}`,
      span,
      {
        severity: 'hint',
      },
    );
  }
  const how = site.constructorName.includes('LearningRateDecay')
    ? 'of the full parameter name'
    : "of 'module.path.param_name' (with a leading '.' only for the model's own parameters)";
  const exemption = onlyExempts(s);
  return makeDiag(
    Code.customKeyUnmatched,
    `custom_keys['${s.key}'] matches no parameter of this model. ` +
      `A key applies to every parameter whose name contains it (a substring ${how}), and no name does. ` +
      (exemption
        ? 'It only exempts parameters from decay, and the model has nothing by that name to exempt.'
        : 'Its settings never reach training.'),
    span,
    { severity: exemption ? 'info' : 'warning' },
  );
}

/** A key whose only setting lowers weight decay (decay_mult < 1): with nothing to match, nothing is lost. */
function onlyExempts(s: KeyStats): boolean {
  if (!(s.cfg instanceof PyDict)) return false;
  const keys = s.cfg.keys().filter((k) => k !== '_delete_');
  const mult = toNumber(s.cfg.get('decay_mult'));
  return keys.length === 1 && keys[0] === 'decay_mult' && mult !== undefined && mult < 1;
}

function neverApplies(ctx: ServiceContext, s: KeyStats): ServiceDiagnostic {
  const winners = [...s.lostTo.keys()].map((k) => `'${k}'`);
  const base = inheritedFrom(ctx, s.keySpan);
  return makeDiag(
    Code.customKeyUnmatched,
    `custom_keys['${s.key}'] never applies: a longer key wins on all ${plural(s.matched, 'parameter')} it matches. ` +
      `The winners are ${examples(winners)}; the longest matching key takes the whole parameter and its settings are not combined with this one.` +
      (base ? ` ${INHERITED}` : ''),
    ctx.at(s.keySpan),
    { severity: base ? 'hint' : 'warning', related: listingLines(ctx, s.examples, `won by ${winners[0]}`) },
  );
}

interface NearMiss {
  key: string;
  count: number;
  examples: string[];
  why: string;
}

/**
 * The key the author most likely meant, when it is one small step away and that step makes it
 * match: a leading '.' dropped (only the model's own parameters have one, so '.backbone.x'
 * never matches 'backbone.x.*'), a trailing '.' dropped (a parameter name ends without one), or
 * one segment one edit away from a name segment of the model. Checked against the listing.
 */
function nearMiss(ctx: ServiceContext, site: OptimSite, key: string): NearMiss | undefined {
  const tries: { key: string; why: string }[] = [];
  if (key.startsWith('.') && key.length > 1)
    tries.push({
      key: key.slice(1),
      why: "Only the model's own parameters get a leading '.'; below the top level names start with the module path.",
    });
  if (key.endsWith('.') && key.length > 1)
    tries.push({ key: key.slice(0, -1), why: "A parameter's name ends without a '.'." });
  const segments = key.split('.');
  const words = nameWords(ctx);
  segments.forEach((seg, i) => {
    if (seg.length < 4 || /^\d+$/.test(seg) || words.has(seg)) return;
    for (const w of words) {
      if (Math.abs(w.length - seg.length) > 1 || editDistance(seg, w) !== 1) continue;
      const fixed = [...segments];
      fixed[i] = w;
      tries.push({ key: fixed.join('.'), why: `'${seg}' is one edit away from the model's '${w}'.` });
    }
  });
  for (const t of tries) {
    const m = countMatching(ctx, site, t.key);
    if (m.matched > 0) return { key: t.key, count: m.matched, examples: m.examples, why: t.why };
  }
  return undefined;
}

/** Distinct name segments of the model (module and parameter names), to suggest a key from. */
function nameWords(ctx: ServiceContext): Set<string> {
  if (!ctx.listing) return new Set();
  return perListing(ctx.listing, 'nameWords', (listing) => {
    const words = new Set<string>();
    // On columns, module views: no object view of the listing for a typo's suggestion.
    forEachModule(listing, (m) => {
      if (words.size > 5000) return false;
      for (const w of m.path.split('.')) if (w && !/^\d+$/.test(w)) words.add(w);
      for (const p of m.params) words.add(p.name);
    });
    return words;
  });
}

function broad(ctx: ServiceContext, site: OptimSite, s: KeyStats): ServiceDiagnostic | undefined {
  const words = [...s.partial].sort((a, b) => b[1].count - a[1].count);
  const list = words.map(([w, { count }]) => `${w} (${count})`);
  const partialCount = words.reduce((n, [, { count }]) => n + count, 0);
  const better = wholeSegmentKey(ctx, site, s);
  const base = inheritedFrom(ctx, s.keySpan);
  const severity: Severity = base ? 'hint' : 'info';
  const msg =
    `custom_keys['${s.key}'] also hits ${partialCount} of its ${s.matched} parameters inside longer names. ` +
    `It is a substring match, not a module name: ${examples(list, list.length, 5)}.` +
    (better
      ? ` If you meant whole names only, '${better.key}' matches ${plural(better.matched, 'parameter')} and no longer word.`
      : '');
  const related = words.map(([w, { example }]) => ({ name: example, w }));
  const customKeys = getDict(site.paramwise, 'custom_keys');
  return makeDiag(Code.customKeyBroad, msg, ctx.at(s.keySpan), {
    severity,
    related: related.flatMap(({ name, w }) => listingLines(ctx, [name], `'${s.key}' inside '${w}'`)),
    fixes:
      better && customKeys
        ? renameFix(customKeys, s.key, better.key, ctx.sources).map((f) => ({ ...f, preferred: false }))
        : [],
  });
}

/** A variant of the key that hits only whole dotted segments, checked against the listing. */
function wholeSegmentKey(
  ctx: ServiceContext,
  site: OptimSite,
  s: KeyStats,
): { key: string; matched: number } | undefined {
  const bare = s.key.replace(/^\.|\.$/g, '');
  const tries = new Set([`${bare}.`, `.${bare}.`, `.${bare}`]);
  for (const key of tries) {
    if (key === s.key) continue;
    const m = countMatching(ctx, site, key);
    if (m.matched > 0 && m.partial === 0) return { key, matched: m.matched };
  }
  return undefined;
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
        `${field}=0 does not freeze custom_keys['${key}']: the parameters stay in the graph. ` +
          'Gradients are still computed (time and memory), BatchNorm running statistics still update, ' +
          'and a scheduler with an absolute eta_min lifts the lr above 0. To freeze, set requires_grad=False on those parameters (e.g. frozen_stages, or model.<module>.requires_grad_(False)).',
        ctx.at(cfg.spanOf(field)),
      ),
    );
  }
  return out;
}
