// x ** k for an integer k, correctly rounded. Python's float ** int calls C pow(), which
// glibc rounds correctly in almost every case; V8's Math.pow is off by one unit in the last
// place for ~8% of the layer-decay powers configs use (0.65 ** 12, say). Layer scales are
// shown to users and compared with their logs, so they are computed exactly here:
// |x| = m · 2^e, so x^k = m^k · 2^(e·k) exactly in BigInt arithmetic, then rounded once.

const MANTISSA_BITS = 53;

function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: biased - 1075 };
}

const bitLength = (n: bigint): number => n.toString(2).length;

/** n / d · 2^e2, rounded to the nearest double (ties to even). */
function roundToDouble(n: bigint, d: bigint, e2: number): number | undefined {
  const s = MANTISSA_BITS + 2 + bitLength(d) - bitLength(n);
  const num = s >= 0 ? n << BigInt(s) : n;
  const den = s >= 0 ? d : d << BigInt(-s);
  const q = num / den;
  const sticky = num % den !== 0n;
  const shift = bitLength(q) - MANTISSA_BITS;
  let keep = q >> BigInt(shift);
  const rest = q & ((1n << BigInt(shift)) - 1n);
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (sticky || (keep & 1n) === 1n))) keep += 1n;
  const exponent = e2 - s + shift;
  if (exponent + MANTISSA_BITS < -1021 || exponent > 970) return undefined;
  return Number(keep) * 2 ** exponent;
}

export function exactIntPow(x: number, k: number): number {
  if (!Number.isFinite(x) || x === 0 || k === 0 || !Number.isInteger(k) || Math.abs(k) > 4096) return Math.pow(x, k);
  const { m, e } = decompose(Math.abs(x));
  const n = Math.abs(k);
  const power = m ** BigInt(n);
  const r = k > 0 ? roundToDouble(power, 1n, e * n) : roundToDouble(1n, power, -e * n);
  if (r === undefined) return Math.pow(x, k);
  return x < 0 && n % 2 === 1 ? -r : r;
}
