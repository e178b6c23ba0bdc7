// Machine-readable results: the param groups exactly as the framework builds them
// (Python json formatting: ints stay ints, floats keep their `.0`), plus per-parameter outcomes.
// Written straight from the result, a chunk at a time: a 100k-parameter model makes a ~50 MB
// text, and a tree of dicts for it (one per group and per parameter) costs more than the text.

import { PyList, type Span } from '../../core/pyvalue.ts';
import type { Entry, ParamOutcome, ResolvedOptimizer, ResolveResult, RuleTrace } from '../../core/resolve/index.ts';
import { CHUNK_CHARS, floatJson, hasRepeatedKey, JsonWriter } from '../json.ts';

interface Problem {
  severity: string;
  code: string;
  message: string;
  span?: Span;
}

/** The result as JSON (with a final newline), in chunks of about CHUNK_CHARS. */
export function* resultJsonChunks(result: ResolveResult, problems: Problem[]): Generator<string> {
  const w = new JsonWriter(1);
  w.open('{');
  w.key('optimizers');
  w.open('[');
  for (const opt of result.optimizers) {
    w.item();
    yield* optimizerJson(w, opt);
  }
  w.close(']');
  w.key('diagnostics');
  w.open('[');
  for (const p of problems) {
    w.item();
    w.open('{');
    w.member('severity', p.severity);
    w.member('code', p.code);
    w.member('message', p.message);
    w.member('file', p.span?.file);
    w.member('start', p.span ? BigInt(p.span.start) : undefined);
    w.member('end', p.span ? BigInt(p.span.end) : undefined);
    w.close('}');
    if (w.pending >= CHUNK_CHARS) yield w.take();
  }
  w.close(']');
  w.close('}');
  w.raw('\n');
  yield w.take();
}

function* optimizerJson(w: JsonWriter, opt: ResolvedOptimizer): Generator<string> {
  w.open('{');
  w.member('name', opt.name);
  w.member('scheme', opt.scheme);
  w.member('optimizer', opt.optimizerType);
  // Only for an optimizer class Paramwise does not know: its groups lack that class's own defaults.
  w.member('defaults_incomplete', opt.defaultsIncomplete ? true : undefined);
  w.member('name_resolution', opt.nameResolution);
  w.member('lr_scale_deferred', opt.lrScaleDeferred);
  w.key('defaults');
  w.pairs(opt.defaults);
  w.key('param_groups');
  w.open('[');
  // Groups of one parameter share their entries (one array per distinct setting): each is
  // checked and rendered once.
  const plain = new Map<Entry[], boolean>();
  const entryTexts = new Map<Entry[], string>();
  for (const g of opt.groups) {
    w.item();
    let simple = plain.get(g.entries);
    if (simple === undefined) plain.set(g.entries, (simple = !hasRepeatedKey([...g.entries, ['params', null]])));
    if (simple) {
      w.open('{');
      w.cached(entryTexts, g.entries, () => {
        for (const [k, v] of g.entries) w.member(k, v);
      });
      w.key('params');
      w.strings(g.params);
      w.close('}');
    } else {
      // What a dict made of them holds: a repeated key keeps its first place and last value.
      w.pairs([...g.entries, ['params', new PyList(g.params)]]);
    }
    if (w.pending >= CHUNK_CHARS) yield w.take();
  }
  w.close(']');
  w.key('parameters');
  w.open('[');
  const settings = new SettingsCache();
  for (const p of opt.params) {
    w.item();
    parameterJson(w, p, settings);
    if (w.pending >= CHUNK_CHARS) yield w.take();
  }
  w.close(']');
  w.key('excluded');
  w.open('[');
  for (const e of opt.excluded) {
    w.item();
    w.open('{');
    w.member('name', e.name);
    w.member('reason', e.reason);
    w.close('}');
    if (w.pending >= CHUNK_CHARS) yield w.take();
  }
  w.close(']');
  w.member('error', opt.error ? `${opt.error.type}: ${opt.error.message}` : undefined);
  w.close('}');
}

function parameterJson(w: JsonWriter, p: ParamOutcome, settings: SettingsCache): void {
  w.open('{');
  w.member('name', p.name);
  intMember(w, 'group', p.group);
  const rest = (): void => {
    floatMember(w, 'lr', p.lr);
    floatMember(w, 'weight_decay', p.weightDecay);
    floatMember(w, 'lr_scale', p.lrScale);
    intMember(w, 'layer_id', p.layerId);
    w.member('rule', p.trace.label);
    w.key('shadowed');
    w.strings(p.trace.shadowed);
  };
  const key = settings.keyOf(p);
  if (key) w.cached(settings.texts, key, rest);
  else rest();
  w.close('}');
}

/**
 * Parameters that share a trace (all of one setting, in groups of one parameter) share
 * everything after their name and group; the numbers are compared too, so a scheme that
 * shares traces between different settings still gets each written as it is. A trace seen
 * with many settings is written without the cache rather than searched each time.
 */
class SettingsCache {
  readonly texts = new Map<object, string>();
  private readonly keys = new Map<RuleTrace, SettingsKey[]>();

  keyOf(p: ParamOutcome): SettingsKey | undefined {
    let keys = this.keys.get(p.trace);
    if (!keys) this.keys.set(p.trace, (keys = []));
    for (const k of keys)
      if (
        Object.is(k.lr, p.lr) &&
        Object.is(k.wd, p.weightDecay) &&
        Object.is(k.lrScale, p.lrScale) &&
        Object.is(k.layerId, p.layerId)
      )
        return k;
    if (keys.length >= 8) return undefined;
    const key = { lr: p.lr, wd: p.weightDecay, lrScale: p.lrScale, layerId: p.layerId };
    keys.push(key);
    return key;
  }
}

interface SettingsKey {
  lr: number | null;
  wd: number | null;
  lrScale?: number;
  layerId?: number;
}

function floatMember(w: JsonWriter, name: string, x: number | null | undefined): void {
  if (x === undefined) return;
  w.key(name);
  w.raw(x === null ? 'null' : floatJson(x));
}

/** An int field; BigInt keeps a fraction or an infinity refused, as it always was. */
function intMember(w: JsonWriter, name: string, n: number | undefined): void {
  if (n === undefined) return;
  w.key(name);
  w.raw(Number.isSafeInteger(n) ? String(n) : BigInt(n).toString());
}
