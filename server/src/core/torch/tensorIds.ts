// Sets of the ids readers hand out (tensor ids, module ids): 0, 1, 2..., so a byte
// per id beats a hash set by far at 100k parameters (no rehashing, no boxed entries).

export class TensorIdSet {
  private bytes = new Uint8Array(1024);
  /** Ids that are not small non-negative integers (JSON listings may carry any number). */
  private other?: Set<number>;

  /** Adds an id; false when it was already there. */
  add(id: number): boolean {
    if (id >= 0 && id < 1 << 26 && Number.isInteger(id)) {
      if (id >= this.bytes.length) this.grow(id);
      if (this.bytes[id]) return false;
      this.bytes[id] = 1;
      return true;
    }
    const other = (this.other ??= new Set());
    if (other.has(id)) return false;
    other.add(id);
    return true;
  }

  has(id: number): boolean {
    if (id >= 0 && id < 1 << 26 && Number.isInteger(id)) return id < this.bytes.length && this.bytes[id] === 1;
    return this.other?.has(id) ?? false;
  }

  private grow(id: number): void {
    const bigger = new Uint8Array(Math.max(id + 1, this.bytes.length * 2));
    bigger.set(this.bytes);
    this.bytes = bigger;
  }
}
