/**
 * The work regular expressions may do.
 *
 * A backtracking matcher can take exponential time (`(a+)+b` against "aaaa…"), and Node runs
 * templates on its one event-loop thread, so one request with the wrong body would stall every
 * other client. So each operation (one `matches`, one whole `replaceAll` or `split`, one JSONPath
 * `=~` test) gets a step allowance that grows linearly with the text it reads, and a cap on the
 * backtracking state it may hold; going past either throws RegexBudgetExceeded, which a template
 * render reports as a render failure (API Gateway then answers 500 "Internal server error").
 *
 * A template can call a pattern many times (#foreach runs up to 1,000 iterations), so during a
 * render every operation also draws on one allowance for the whole render.
 */

/**
 * Steps every operation may take whatever its input: ample for patterns that backtrack a little
 * on short strings, yet spent in about 25 ms (docs/vtl.md gives the measurement).
 */
export const REGEX_BASE_STEPS = 1_000_000;

/**
 * Further steps per UTF-16 unit of input. A pattern that runs in linear time costs from 1 to about
 * 6 steps per character (one per character a loop takes, one per start position tried, a few per
 * alternative), so 32 leaves room for real templates on bodies up to API Gateway's 10 MB payload
 * limit while bounding a runaway pattern to a constant times the size of its input.
 */
export const REGEX_STEPS_PER_CHAR = 32;

/** Steps all the operations of one template render may take together, besides REGEX_STEPS_PER_CHAR for each input. */
export const REGEX_RENDER_BASE_STEPS = 4_000_000;

/**
 * Backtracking entries (choice points plus saved register values) one operation may hold at once.
 * Java's own matcher recurses and throws StackOverflowError after some thousands of iterations of a
 * group loop such as `(a|b)*`; this cap is far above that and keeps memory to tens of megabytes.
 */
export const REGEX_MAX_BACKTRACK_ENTRIES = 1_000_000;

export type RegexLimit = 'steps' | 'render-steps' | 'backtrack';

/** Thrown when an operation runs past an allowance; the message says which limit was hit. */
export class RegexBudgetExceeded extends Error {
  constructor(readonly limit: RegexLimit, readonly allowed: number) {
    super(
      limit === 'steps'
        ? `regular expression exceeded its work limit (${allowed} steps)`
        : limit === 'render-steps'
          ? `regular expressions exceeded the work limit of this template render (${allowed} steps)`
          : `regular expression exceeded its backtracking memory limit (${allowed} entries)`,
    );
    this.name = 'RegexBudgetExceeded';
  }
}

/** The step allowance of one operation, shared by every match attempt it makes. */
export class StepBudget {
  /** Steps still allowed; the matcher decrements it directly, as this is its hottest path. */
  remaining: number;

  /**
   * `limit` names the allowance that set `steps`, for the error: the operation's own, or what was
   * left of the render's.
   */
  constructor(readonly steps: number, readonly limit: 'steps' | 'render-steps' = 'steps', private readonly reported = steps) {
    this.remaining = steps;
  }

  /** The allowance of an operation reading `length` characters. */
  static forInput(length: number): StepBudget {
    return new StepBudget(REGEX_BASE_STEPS + REGEX_STEPS_PER_CHAR * length);
  }

  get used(): number {
    return this.steps - Math.max(0, this.remaining);
  }

  exceeded(): never {
    this.remaining = 0;
    throw new RegexBudgetExceeded(this.limit, this.reported);
  }
}

/** What all the operations of one template render may still spend. */
export class RenderAllowance {
  private remaining = REGEX_RENDER_BASE_STEPS;
  private granted = REGEX_RENDER_BASE_STEPS;

  /** The budget of the next operation: its own allowance, or what the render has left if that is less. */
  operation(length: number): StepBudget {
    const own = REGEX_BASE_STEPS + REGEX_STEPS_PER_CHAR * length;
    this.remaining += REGEX_STEPS_PER_CHAR * length;
    this.granted += REGEX_STEPS_PER_CHAR * length;
    return this.remaining < own ? new StepBudget(this.remaining, 'render-steps', this.granted) : new StepBudget(own);
  }

  /** Takes what an operation spent (also when it failed). */
  charge(budget: StepBudget): void {
    this.remaining -= budget.used;
  }
}
