// Shapes repeat: a 100k-parameter model has a few dozen distinct ones. Readers parse a shape
// into a scratch array and keep one array per distinct shape, so a listing holds no array per
// parameter (100k of them were a fifth of a big listing's heap and GC time).
// Interned shapes are shared between parameters and must be treated as immutable. They are
// not frozen: V8 reads frozen arrays' elements through a slower path (2x in a micro-benchmark),
// and every resolver reads shapes.

/** Past this many distinct shapes new ones are no longer remembered. */
const MAX_REMEMBERED = 1 << 16;
const RECENT = 4;

export class ShapeInterner {
  private readonly byHash = new Map<number, readonly number[][]>();
  private remembered = 0;
  /** The shape being read (`begin`, `push`..., `take`): a reader allocates nothing per line. */
  private readonly dims: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  private rank = 0;
  private readonly recent: number[][] = [];
  private nextRecent = 0;

  begin(): void {
    this.rank = 0;
  }

  push(dim: number): void {
    this.dims[this.rank++] = dim;
  }

  /** The shared array for the dimensions pushed since `begin`. */
  take(): number[] {
    return this.intern(this.dims, this.rank);
  }

  /** The shared array equal to `dims[0, n)`. */
  intern(dims: readonly number[], n: number): number[] {
    // Neighbouring lines mostly repeat one of the last few shapes: try those before hashing.
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const shape = recent[i];
      if (shape === dims || sameDims(shape, dims, n)) return shape;
    }
    const shape = this.lookup(dims, n);
    recent[this.nextRecent] = shape;
    this.nextRecent = (this.nextRecent + 1) % RECENT;
    return shape;
  }

  private lookup(dims: readonly number[], n: number): number[] {
    const hash = hashDims(dims, n);
    const bucket = this.byHash.get(hash);
    if (bucket) {
      for (let i = 0; i < bucket.length; i++) if (sameDims(bucket[i], dims, n)) return bucket[i];
    }
    const shape = dims.slice(0, n);
    if (this.remembered < MAX_REMEMBERED) {
      this.remembered++;
      this.byHash.set(hash, bucket ? [...bucket, shape] : [shape]);
    }
    return shape;
  }
}

function hashDims(dims: readonly number[], n: number): number {
  let h = n;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + dims[i]) | 0;
  return h;
}

function sameDims(shape: readonly number[], dims: readonly number[], n: number): boolean {
  if (shape.length !== n) return false;
  // Object.is: a NaN dimension (JSON input is not checked for integers) still matches itself.
  for (let i = 0; i < n; i++) if (shape[i] !== dims[i] && !Object.is(shape[i], dims[i])) return false;
  return true;
}
