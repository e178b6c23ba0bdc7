// Which custom keys occur in a name, for every parameter of a large model.
// MMEngine tests `key in name` for each key; an Aho–Corasick automaton over all keys finds
// every occurrence in one pass over the name, so 100k names × 30 keys stays linear in the
// total name length. The automaton is a full transition table (one array read per char).

export class KeyMatcher {
  /** char code -> symbol (0 = a character no key contains). */
  private readonly symbol = new Uint8Array(65536);
  private symbols = 1;
  private delta = new Int32Array(0);
  /** Keys ending at each state (suffix matches folded in): bitset of the first 30, then the rest. */
  private outBits: number[] = [];
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
    this.delta = delta;
    this.outBits = outs.map((o) => o.filter((k) => k < 30).reduce((bits, k) => bits | (1 << k), 0));
    this.outExtra = outs.map((o) => (o.some((k) => k >= 30) ? o.filter((k) => k >= 30) : undefined));
  }

  /**
   * A canonical id of the set of keys found in `text`: a bitset number for the first 30 keys
   * (0 when none), a string when later keys matched too. Equal ids mean equal match sets.
   */
  matchId(text: string): number | string {
    const A = this.symbols;
    const delta = this.delta;
    const symbol = this.symbol;
    const outBits = this.outBits;
    let state = 0;
    // State 0's outputs are the empty key, which Python finds in every string.
    let found = outBits[0];
    let extra: number[] | undefined = this.outExtra[0] && [...this.outExtra[0]];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = delta[state * A + symbol[code]];
      found |= outBits[state];
      const more = this.outExtra[state];
      if (more) (extra ??= []).push(...more);
    }
    return extra ? `${found}:${[...new Set(extra)].sort((a, b) => a - b).join(',')}` : found;
  }

  /** The keys (in priority order) of a match id. */
  keysOf(id: number | string): string[] {
    const [bits, rest] = String(id).split(':');
    const indices = new Set<number>(rest ? rest.split(',').map(Number) : []);
    for (let k = 0; k < 30; k++) if (Number(bits) & (1 << k)) indices.add(k);
    return [...indices].sort((a, b) => a - b).map((i) => this.keys[i]);
  }
}
