// The project's one seeded generator: the same sequence on every machine and backend. The smoke
// runner draws its data, teacher and initial weights from it (tfjs's own seeded random ops differ
// between cpu, wasm and tensorflow); tests draw random listings and edits from it.

/** mulberry32: tiny, fast, and good enough for synthetic data and weight init. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller), filled into a new array. */
export function normalArray(random: () => number, length: number, std = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random())) * std;
    const angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

export function uniformArray(random: () => number, length: number, low: number, high: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = low + (high - low) * random();
  return out;
}

/** A child seed, so each consumer (data, teacher, init) draws from its own stream. */
export function deriveSeed(seed: number, salt: string): number {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
