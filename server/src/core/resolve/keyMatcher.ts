// Which custom keys occur in a name, for every parameter of a large model.
// MMEngine tests `key in name` for each key; an Aho–Corasick automaton over all keys finds
// every occurrence in one pass over the name, so 100k names × 30 keys stays linear in the
// total name length. The automaton is a full transition table (one array read per char).

const DOT = 46;
/** Set in a state's output bits when keys past the first 30 end there too (see outExtra). */
const EXTRA = 1 << 30;

/** A scan stopped part-way: resumed by `matchIdAfter`. `extra` is never mutated (arrays are shared). */
export interface MatchPrefix {
  row: number;
  found: number;
  extra: number[] | undefined;
}

export class KeyMatcher {
  /** char code -> symbol (0 = a character no key contains). */
  private readonly symbol = new Uint8Array(65536);
  private symbols = 1;
  /**
   * The transition table, one row of `symbols` entries per state. A state is named by its
   * row's offset, so a step is one read: `row = delta[row + symbol]`.
   */
  private delta = new Int32Array(0);
  /** By row offset: the first 30 keys ending there (suffix matches folded in) as bits, and EXTRA. */
  private outBits = new Int32Array(0);
  /** By row offset: keys past the first 30 ending there. */
  private outExtra: (number[] | undefined)[] = [];

  /** `keys` in priority order; match results refer to indices into this array. */
  constructor(readonly keys: string[]) {
    for (const k of keys) for (let i = 0; i < k.length; i++) this.symbolOf(k.charCodeAt(i));
    this.build(keys);
  }

  private symbolOf(code: number): number {
    if (!this.symbol[code]) {
      if (this.symbols >= 255) throw new Error('custom keys use too many distinct characters');
      this.symbol[code] = this.symbols++;
    }
    return this.symbol[code];
  }

  private build(keys: string[]): void {
    const goto: Map<number, number>[] = [new Map()];
    const outs: number[][] = [[]];
    keys.forEach((key, index) => {
      let state = 0;
      for (let i = 0; i < key.length; i++) {
        const a = this.symbol[key.charCodeAt(i)];
        let to = goto[state].get(a);
        if (to === undefined) {
          to = goto.length;
          goto.push(new Map());
          outs.push([]);
          goto[state].set(a, to);
        }
        state = to;
      }
      outs[state].push(index);
    });
    const A = this.symbols;
    const delta = new Int32Array(goto.length * A);
    const fail = new Int32Array(goto.length);
    const queue: number[] = [];
    for (const [a, to] of goto[0]) {
      delta[a] = to;
      queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head];
      outs[s] = [...new Set([...outs[s], ...outs[fail[s]]])];
      for (let a = 0; a < A; a++) {
        const to = goto[s].get(a);
        if (to === undefined) delta[s * A + a] = delta[fail[s] * A + a];
        else {
          fail[to] = delta[fail[s] * A + a];
          delta[s * A + a] = to;
          queue.push(to);
        }
      }
    }
    for (let i = 0; i < delta.length; i++) delta[i] *= A;
    this.delta = delta;
    this.outBits = new Int32Array(delta.length);
    this.outExtra = new Array(delta.length).fill(undefined);
    outs.forEach((o, state) => {
      const extra = o.filter((k) => k >= 30);
      this.outBits[state * A] = o.filter((k) => k < 30).reduce((bits, k) => bits | (1 << k), extra.length ? EXTRA : 0);
      if (extra.length) this.outExtra[state * A] = extra;
    });
  }

  /**
   * A canonical id of the set of keys found in `text`: a bitset number for the first 30 keys
   * (0 when none), a string when later keys matched too. Equal ids mean equal match sets.
   */
  matchId(text: string): number | string {
    return this.matchIdAfter(this.start(), text);
  }

  /**
   * Where the scan stands after `path` and a dot. The names MMEngine matches are
   * `${module.path}.${param}`: a module's parameters share this, and each scans only its own
   * name (no joined string per parameter).
   */
  afterModule(path: string): MatchPrefix {
    const into: MatchPrefix = { row: 0, found: 0, extra: undefined };
    this.extend(this.start(), path, 0, into);
    return into;
  }

  /** Every key fits the bitset: match ids are numbers and prefixes never carry `extra`. */
  get bitsOnly(): boolean {
    return this.keys.length <= 30;
  }

  /** `from` continued over `text.slice(start, end)` and a dot, written into `into`. */
  extend(from: MatchPrefix, text: string, start: number, into: MatchPrefix, end = text.length): void {
    const delta = this.delta;
    const symbol = this.symbol;
    const outBits = this.outBits;
    let row = from.row;
    let found = from.found;
    let extra = from.extra;
    for (let i = start; i <= end; i++) {
      row = delta[row + symbol[i < end ? text.charCodeAt(i) : DOT]];
      const bits = outBits[row];
      found |= bits;
      if (bits & EXTRA) extra = this.withExtra(extra, row);
    }
    into.row = row;
    into.found = found;
    into.extra = extra;
  }

  /** The match id of the prefix's text followed by `rest`. */
  matchIdAfter(prefix: MatchPrefix, rest: string): number | string {
    const delta = this.delta;
    const symbol = this.symbol;
    const outBits = this.outBits;
    let row = prefix.row;
    let found = prefix.found;
    let extra = prefix.extra;
    for (let i = 0; i < rest.length; i++) {
      row = delta[row + symbol[rest.charCodeAt(i)]];
      const bits = outBits[row];
      found |= bits;
      if (bits & EXTRA) extra = this.withExtra(extra, row);
    }
    found &= ~EXTRA;
    return extra ? `${found}:${[...new Set(extra)].sort((a, b) => a - b).join(',')}` : found;
  }

  private withExtra(extra: number[] | undefined, row: number): number[] {
    const more = this.outExtra[row]!;
    return extra ? [...extra, ...more] : more;
  }

  /** State 0's outputs are the empty key, which Python finds in every string. */
  start(): MatchPrefix {
    return { row: 0, found: this.outBits[0], extra: this.outExtra[0] };
  }

  /** The keys (in priority order) of a match id. */
  keysOf(id: number | string): string[] {
    const [bits, rest] = String(id).split(':');
    const indices = new Set<number>(rest ? rest.split(',').map(Number) : []);
    for (let k = 0; k < 30; k++) if (Number(bits) & (1 << k)) indices.add(k);
    return [...indices].sort((a, b) => a - b).map((i) => this.keys[i]);
  }
}

/**
 * `afterModule` for the modules of a listing in visit order. A module's path extends its
 * parent's, so the scan resumes from the deepest ancestor met so far: each module costs the
 * scan of its last segment, not of its whole path (most of a name's length).
 */
export class ModulePrefixes {
  /** The ancestors of the last module, outermost first, with their prefixes (reused by depth). */
  private readonly paths: string[] = [];
  private readonly prefixes: MatchPrefix[] = [];
  private depth = 0;

  constructor(private readonly matcher: KeyMatcher) {}

  /** The prefix of `path`; overwritten by later calls. Any order of paths gives the right answer. */
  of(path: string): MatchPrefix {
    const paths = this.paths;
    while (this.depth > 0 && !isBelow(path, paths[this.depth - 1])) this.depth--;
    const d = this.depth;
    const into = (this.prefixes[d] ??= { row: 0, found: 0, extra: undefined });
    if (d === 0) this.matcher.extend(this.matcher.start(), path, 0, into);
    else this.matcher.extend(this.prefixes[d - 1], path, paths[d - 1].length + 1, into);
    paths[d] = path;
    this.depth = d + 1;
    return into;
  }
}

/**
 * `path` lies below the module `ancestor` (the root, '', is no prefix: its children's names do
 * not start with a dot). Comparing a slice is faster here than startsWith or a char loop.
 */
function isBelow(path: string, ancestor: string): boolean {
  const n = ancestor.length;
  return (
    n > 0 &&
    path.length > n &&
    path.charCodeAt(n) === DOT &&
    path.charCodeAt(n - 1) === ancestor.charCodeAt(n - 1) &&
    path.slice(0, n) === ancestor
  );
}
