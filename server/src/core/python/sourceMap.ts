// Offsets in the text the evaluator parses back to offsets in the file the user wrote. They
// differ when the config loader rewrote the text first (MMEngine's `{{…}}` substitution, in
// config/substitute.ts); every span the evaluator reports goes through this map.
import type { Span } from '../pyvalue.ts';

/** One replaced range: where it was in the file and where its replacement is in the new text. */
export interface Edit {
  origStart: number;
  origEnd: number;
  newStart: number;
  newEnd: number;
}

/** Maps offsets in substituted text back to offsets in the original file. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly edits: Edit[] = [],
  ) {}

  toOriginal(pos: number, isEnd: boolean): number {
    // Last edit starting before `pos` (at or before it for a start offset), by binary search.
    let lo = 0;
    let hi = this.edits.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.edits[mid].newStart;
      if (s < pos || (!isEnd && s === pos)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return pos;
    const e = this.edits[found];
    if (isEnd ? pos <= e.newEnd : pos < e.newEnd) return isEnd ? e.origEnd : e.origStart;
    return pos - (e.newEnd - e.origEnd);
  }

  span(start: number, end: number): Span {
    if (!this.edits.length) return { file: this.file, start, end };
    return { file: this.file, start: this.toOriginal(start, false), end: this.toOriginal(end, true) };
  }
}
