import type { PromotionLogLine } from '../database';

const MAX_LINE = 4096;
const MAX_LINES_PER_STEP = 2000;
const MASK = '***';

/**
 * Collects a step's log lines until the runner writes them, masking every
 * secret value the Promotion has revealed so far. Bounded: a chatty step
 * cannot fill the database.
 */
export class StepLog {
  private pending: PromotionLogLine[] = [];
  private counts = new Map<number, number>();

  constructor(
    private readonly secrets: Set<string>,
    private readonly clock: () => number,
  ) {}

  add(step: number, message: string): void {
    const count = (this.counts.get(step) ?? 0) + 1;
    this.counts.set(step, count);
    if (count > MAX_LINES_PER_STEP) {
      if (count === MAX_LINES_PER_STEP + 1) {
        this.pending.push({
          step,
          at: this.clock(),
          message: `(log cut at ${MAX_LINES_PER_STEP} lines)`,
        });
      }
      return;
    }
    let text = this.mask(String(message));
    if (text.length > MAX_LINE) text = `${text.slice(0, MAX_LINE)}…`;
    this.pending.push({ step, at: this.clock(), message: text });
  }

  /** Replaces revealed secrets (longest first, so overlaps mask fully). */
  mask(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort(
      (a, b) => b.length - a.length,
    )) {
      if (secret.length >= 3) out = out.split(secret).join(MASK);
    }
    return out;
  }

  /** The same masking over a JSON value (outputs). */
  maskValue<T>(value: T): T {
    if (!this.secrets.size) return value;
    return JSON.parse(
      JSON.stringify(value, (_k, v) =>
        typeof v === 'string' ? this.mask(v) : v,
      ),
    );
  }

  take(): PromotionLogLine[] {
    const lines = this.pending;
    this.pending = [];
    return lines;
  }
}
