// Per-document debounce with cancellation of stale runs, and a time limit per run. A new edit
// resets the document's timer and cancels its in-flight run; runs yield between stages and
// check their token, so a run overtaken by an edit stops early and never publishes stale
// results. A run past its time limit is abandoned the same way and reported (`onTimeout`):
// at its limit when it is waiting (on the client, between stages), else as soon as the stage
// that overran it returns. Requests wait only for the runs they need (`flush(keys)`).

export interface RunToken {
  /** Overtaken by a newer run, or past the time limit: stop at the next check, publish nothing. */
  readonly cancelled: boolean;
  /** When the run must be done, in `Date.now()` time (for a stage that can stop by itself). */
  readonly deadline: number;
  /** The run's own limit, once its per-resource settings say it (from the run's start; 0 = none). */
  setTimeLimit(ms: number): void;
}

type Run = (token: RunToken) => Promise<void>;

/** Told when runs start being scheduled and when the last one is done. */
export interface Activity {
  busy(): void;
  idle(): void;
}

const NO_ACTIVITY: Activity = { busy: () => {}, idle: () => {} };

/** A token for one run. Its limit is counted from `start()`; 0 means no limit. */
export class Token implements RunToken {
  superseded = false;
  deadline = Infinity;
  /** The run was told to stop for its time (it saw `cancelled` past the deadline, or the timer fired). */
  limitHit = false;
  private started = 0;
  /** Re-arms the scheduler's timer when the limit changes. */
  onLimit?: () => void;

  constructor(private limitMs: number) {}

  /**
   * Latches: once past the deadline, a run that looks is stopped for good. A run that
   * published before looking again is not (its result stands, nothing is reported).
   */
  get cancelled(): boolean {
    if (!this.limitHit && Date.now() > this.deadline) this.limitHit = true;
    return this.superseded || this.limitHit;
  }

  /** The limit that applies, for the message that says it was exceeded. */
  get timeLimitMs(): number {
    return this.limitMs;
  }

  start(): void {
    this.started = Date.now();
    this.setTimeLimit(this.limitMs);
  }

  setTimeLimit(ms: number): void {
    this.limitMs = ms;
    if (!this.started) return;
    this.deadline = ms > 0 ? this.started + ms : Infinity;
    this.onLimit?.();
  }
}

interface Slot {
  token: Token;
  timer?: ReturnType<typeof setTimeout>;
  run?: Run;
  inFlight?: Promise<void>;
}

export class Scheduler {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly onError: (key: string, e: unknown) => void,
    private readonly activity: Activity = NO_ACTIVITY,
    /** A run went past its time limit and was abandoned (not called for one overtaken by an edit). */
    private readonly onTimeout: (key: string, limitMs: number) => void = () => {},
  ) {}

  /**
   * Run `run` for `key` after `delayMs` of quiet, replacing whatever was pending; it must be
   * done within `timeLimitMs` of its start (0: no limit; the run may change it through its token).
   */
  schedule(key: string, delayMs: number, run: Run, timeLimitMs = 0): void {
    const previous = this.slots.get(key);
    if (previous) this.stop(previous);
    this.activity.busy();
    const slot: Slot = { token: new Token(timeLimitMs), run };
    slot.timer = setTimeout(() => void this.start(key, slot), delayMs);
    this.slots.set(key, slot);
  }

  cancel(key: string): void {
    const slot = this.slots.get(key);
    if (slot) this.stop(slot);
    this.slots.delete(key);
  }

  /** Start the pending runs of `keys` now and wait for them (and for those in flight). */
  async flush(keys: Iterable<string>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const key of new Set(keys)) {
      const slot = this.slots.get(key);
      if (!slot) continue;
      if (slot.timer) {
        clearTimeout(slot.timer);
        void this.start(key, slot);
      }
      if (slot.inFlight) waits.push(slot.inFlight);
    }
    await Promise.all(waits);
  }

  /** Start every pending run now and wait for all in-flight ones. */
  flushAll(): Promise<void> {
    return this.flush([...this.slots.keys()]);
  }

  pending(): number {
    return this.slots.size;
  }

  private start(key: string, slot: Slot): Promise<void> {
    slot.timer = undefined;
    const run = slot.run;
    slot.run = undefined;
    if (!run) return slot.inFlight ?? Promise.resolve();
    const { token } = slot;
    let reported = false;
    const report = (): void => {
      if (reported || token.superseded || !token.limitHit) return;
      reported = true;
      this.onTimeout(key, token.timeLimitMs);
    };
    // A run waiting past its limit (on the client, say) is reported at the limit; whatever it
    // does later cannot publish, its token says cancelled from then on.
    let limitTimer: ReturnType<typeof setTimeout> | undefined;
    let atLimit!: () => void;
    const limitReached = new Promise<void>((resolve) => (atLimit = resolve));
    const arm = (): void => {
      clearTimeout(limitTimer);
      if (!Number.isFinite(token.deadline)) return;
      limitTimer = setTimeout(
        () => {
          if (Date.now() <= token.deadline) return arm();
          token.limitHit = true;
          atLimit();
        },
        Math.max(0, token.deadline - Date.now()) + 1,
      );
    };
    token.onLimit = arm;
    token.start();
    const ran = run(token).catch((e: unknown) => this.onError(key, e));
    slot.inFlight = Promise.race([ran, limitReached])
      .then(report)
      .finally(() => {
        clearTimeout(limitTimer);
        token.onLimit = undefined;
        if (this.slots.get(key) === slot) this.slots.delete(key);
        if (!this.slots.size) this.activity.idle();
      });
    return slot.inFlight;
  }

  private stop(slot: Slot): void {
    slot.token.superseded = true;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.run = undefined;
  }
}

/** Let queued messages (a newer edit, a request) in before the next stage of a run. */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
