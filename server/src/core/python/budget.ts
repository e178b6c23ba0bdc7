// One budget per analysis, shared by everything that evaluates a config: the Python evaluator,
// `_base_` loading and the JSON/YAML readers. Configs are evaluated without running code, so a
// few lines can ask for unbounded work (`l = l + l` thirty times, nested comprehensions, a
// `_base_` diamond). Per-operation caps keep ordinary large values local (they turn one value
// unresolved); this budget is the backstop for what only adds up across operations, and when it
// runs out the analysis stops as a whole: a half-evaluated config must not look like a result.
import type { Span } from '../pyvalue.ts';
import { NotStatic } from './pyOps.ts';

export interface BudgetLimits {
  /**
   * Wall-clock milliseconds of evaluation from the budget's creation. Parsing is not counted: it
   * is linear in a file's size, which callers limit, and a 1 MB config takes a second or more
   * to parse on a busy machine.
   */
  timeMs: number;
  /** list items, dict entries and string characters created, all operations together */
  elements: number;
  /** nesting levels of one expression, one value, or the `_base_` chain */
  depth: number;
}

// The depth limit is the evaluator's long-standing expression limit; CPython itself refuses
// 200 nested brackets, and real configs nest a dozen levels.
export const DEFAULT_LIMITS: BudgetLimits = { timeMs: 2000, elements: 5_000_000, depth: 150 };

/** The analysis ran out of time or elements. Not caught by the evaluator: it stops everything. */
export class BudgetExceeded extends Error {
  constructor(
    readonly kind: 'time' | 'elements',
    message: string,
    /** where evaluation was when it ran out; filled in by the innermost statement or file */
    public span?: Span,
  ) {
    super(message);
  }
}

/**
 * A value or expression nested deeper than the depth limit (or a value that contains itself).
 * It is local, like any other value the evaluator cannot reduce: inside evaluation it makes the
 * statement's value unresolved, the way NotStatic does.
 */
export class TooDeep extends NotStatic {}

const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export class Budget {
  readonly limits: BudgetLimits;
  private deadline: number;
  private created = 0;
  private ticks = 0;
  /** The first overrun. Once spent, every later check fails at once, so the unwinding is quick. */
  exceeded?: BudgetExceeded;

  constructor(
    limits: Partial<BudgetLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.deadline = now() + this.limits.timeMs;
  }

  /** Counts `n` new elements (and the time spent making them). */
  allocate(n: number): void {
    this.created += n;
    if (this.created > this.limits.elements) this.fail('elements');
    this.tick();
  }

  /** One step of work; the clock is read every 256 steps, which keeps this cheap. */
  tick(): void {
    if (this.exceeded) throw this.exceeded;
    if ((++this.ticks & 255) === 0 && this.now() > this.deadline) this.fail('time');
  }

  /** Runs `work` (a parse) with the clock stopped. */
  untimed<T>(work: () => T): T {
    const started = this.now();
    try {
      return work();
    } finally {
      this.deadline += this.now() - started;
    }
  }

  /** Throws TooDeep when `level` is past the depth limit. */
  checkDepth(level: number): void {
    if (level > this.limits.depth) throw new TooDeep(this.tooDeep());
  }

  /** The reason text for anything nested past the limit. */
  tooDeep(): string {
    return `nested deeper than ${this.limits.depth} levels; Paramwise does not evaluate it`;
  }

  private fail(kind: 'time' | 'elements'): never {
    const what =
      kind === 'time'
        ? `takes more than ${this.limits.timeMs / 1000} s to evaluate statically`
        : `builds more than ${thousands(this.limits.elements)} list, dict and string elements when evaluated statically`;
    this.exceeded ??= new BudgetExceeded(
      kind,
      `This config ${what}; Paramwise stopped here and resolves nothing from it. ` +
        'MMEngine would run it, but Paramwise does not run code.',
    );
    throw this.exceeded;
  }
}

/** A budget from the caller's limits, or the caller's own budget (shared by several loads). */
export function toBudget(given?: Budget | Partial<BudgetLimits>): Budget {
  return given instanceof Budget ? given : new Budget(given);
}
