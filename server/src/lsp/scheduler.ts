// Per-document debounce with cancellation of stale runs. A new edit resets the document's
// timer and cancels its in-flight run; runs yield between stages and check their token, so
// a run overtaken by an edit stops early and never publishes stale results.

export interface RunToken {
  readonly cancelled: boolean;
}

type Run = (token: RunToken) => Promise<void>;

/** Told when runs start being scheduled and when the last one is done. */
export interface Activity {
  busy(): void;
  idle(): void;
}

const NO_ACTIVITY: Activity = { busy: () => {}, idle: () => {} };

interface Slot {
  token: { cancelled: boolean };
  timer?: ReturnType<typeof setTimeout>;
  run?: Run;
  inFlight?: Promise<void>;
}

export class Scheduler {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly onError: (key: string, e: unknown) => void,
    private readonly activity: Activity = NO_ACTIVITY,
  ) {}

  /** Run `run` for `key` after `delayMs` of quiet, replacing whatever was pending. */
  schedule(key: string, delayMs: number, run: Run): void {
    const previous = this.slots.get(key);
    if (previous) this.stop(previous);
    this.activity.busy();
    const slot: Slot = { token: { cancelled: false }, run };
    slot.timer = setTimeout(() => void this.start(key, slot), delayMs);
    this.slots.set(key, slot);
  }

  cancel(key: string): void {
    const slot = this.slots.get(key);
    if (slot) this.stop(slot);
    this.slots.delete(key);
  }

  /** Start every pending run now and wait for all in-flight ones (requests need fresh results). */
  async flushAll(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [key, slot] of this.slots) {
      if (slot.timer) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        void this.start(key, slot);
      }
      if (slot.inFlight) waits.push(slot.inFlight);
    }
    await Promise.all(waits);
  }

  pending(): number {
    return this.slots.size;
  }

  private start(key: string, slot: Slot): Promise<void> {
    slot.timer = undefined;
    const run = slot.run;
    slot.run = undefined;
    if (!run) return slot.inFlight ?? Promise.resolve();
    slot.inFlight = run(slot.token)
      .catch((e: unknown) => this.onError(key, e))
      .finally(() => {
        if (this.slots.get(key) === slot) this.slots.delete(key);
        if (!this.slots.size) this.activity.idle();
      });
    return slot.inFlight;
  }

  private stop(slot: Slot): void {
    slot.token.cancelled = true;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.run = undefined;
  }
}

/** Let queued messages (a newer edit) in before the next stage of a run. */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
