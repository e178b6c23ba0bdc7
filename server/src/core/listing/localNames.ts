// Local parameter names repeat (`weight`, `bias`): a listing keeps one string for each
// instead of one per parameter. Only the last few are remembered; neighbours repeat them.

const RECENT = 8;

export class LocalNames {
  private readonly recent: string[] = [];
  private next = 0;

  /** `name.slice(start)`, as the string kept earlier when one matches. */
  ofName(name: string, start: number): string {
    const length = name.length - start;
    for (let i = 0; i < this.recent.length; i++) {
      const known = this.recent[i];
      if (known.length === length && name.endsWith(known)) return known;
    }
    return this.remember(name.slice(start));
  }

  /**
   * `text.slice(start, end)`, the same way. Comparing chars of the reader's text costs less
   * than endsWith on a name string, which is why readers with a text call this one.
   */
  ofText(text: string, start: number, end: number): string {
    const length = end - start;
    for (let i = 0; i < this.recent.length; i++) {
      const known = this.recent[i];
      if (known.length !== length) continue;
      let k = 0;
      while (k < length && known.charCodeAt(k) === text.charCodeAt(start + k)) k++;
      if (k === length) return known;
    }
    return this.remember(text.slice(start, end));
  }

  private remember(local: string): string {
    this.recent[this.next] = local;
    this.next = (this.next + 1) % RECENT;
    return local;
  }
}
