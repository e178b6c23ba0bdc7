// Offsets to 1-based line:column, for messages that name a place in a file; and positions
// from an editor back to offsets, clamped to the text.

export class LineIndex {
  private readonly starts: number[] = [0];
  /** Length of the text, so the last line's end is known without keeping the text. */
  private readonly length: number;
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.length = text.length;
  }
  /** 0-based line and character of an offset. */
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  /**
   * The offset of a 0-based line and character, always inside the text: a line past the end
   * is the last line, a character past the line's end is its end (before the newline, as LSP
   * says), and negative, fractional or non-numeric values count as 0 (or the end, for +∞).
   * Positions come from clients; an unclamped one would send scans far past the text.
   */
  offset(line: number, character: number): number {
    const last = this.starts.length - 1;
    const l = Math.min(whole(line), last);
    const start = this.starts[l];
    const end = l < last ? this.starts[l + 1] - 1 : this.length;
    return start + Math.min(whole(character), end - start);
  }
}

/** A non-negative integer from whatever a client sent (NaN, strings and negatives are 0). */
function whole(n: unknown): number {
  if (typeof n !== 'number' || Number.isNaN(n) || n <= 0) return 0;
  return n === Infinity ? Number.MAX_SAFE_INTEGER : Math.floor(n);
}
