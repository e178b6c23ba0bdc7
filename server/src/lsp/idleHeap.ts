// Returns the garbage of finished analyses to the OS once the server goes quiet.
//
// Each run over a 100k-parameter listing leaves tens of MB of garbage (the previous groups,
// facts and diagnostics). V8 collects it only when its heap next fills, and grows the heap
// first, so a session of edits ratchets the server's RSS up to twice its live size. One full
// collection after a quiet moment (no run pending) shrinks it back; V8 then releases the
// freed pages. Small heaps are left alone: the collection would cost more than it returns.

import v8 from 'node:v8';
import vm from 'node:vm';

const QUIET_MS = 750;
const SHRINK_AFTER_MS = 300;
/** Below this much heap there is little to return (a ViT-B session stays under it). */
const WORTH_COLLECTING_BYTES = 96 * 2 ** 20;

/** `gc()` when node can expose it at run time (clients start the server with plain `node`). */
function exposedGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export class IdleHeap {
  private timer?: ReturnType<typeof setTimeout>;
  private readonly gc = exposedGc();

  /** The server has nothing to run: collect after a quiet moment, unless work comes first. */
  idle(): void {
    if (!this.gc) return;
    this.busy();
    this.timer = setTimeout(() => this.collect(), QUIET_MS);
    this.timer.unref();
  }

  /** Work arrived: a collection now would only delay it. */
  busy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Two collections, the second a moment after the first: the first frees the garbage, and
   * only the next one shrinks the heap to what is left (measured on the 100k listing: 120 MB
   * of heap instead of 160 MB, and the settled RSS ~190 MB instead of 225–257 MB).
   */
  private collect(second = false): void {
    this.timer = undefined;
    if (v8.getHeapStatistics().total_heap_size < WORTH_COLLECTING_BYTES) return;
    this.gc?.();
    if (second) return;
    this.timer = setTimeout(() => this.collect(true), SHRINK_AFTER_MS);
    this.timer.unref();
  }
}
