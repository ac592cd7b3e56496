import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PromotionQueue } from '../database';
import type { PromotionRunner } from './PromotionRunner';

/**
 * Claims Promotions that are due and runs up to `concurrency` of them at
 * once on this instance. Ticks come from the scheduler (every instance, a
 * cheap query), from a timer set to the next poll that is due, and at once
 * after a local creation, abort or finish.
 */
export class PromotionEngine {
  private readonly running = new Set<Promise<void>>();
  private readonly ticks = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private again = false;

  constructor(
    private readonly options: {
      queue: PromotionQueue;
      runner: PromotionRunner;
      owner: string;
      leaseMs: number;
      concurrency: number;
      logger: LoggerService;
      clock?: () => number;
    },
  ) {}

  /** A tick whose failure is logged, not thrown: for timers and callbacks. */
  poke(): Promise<void> {
    return this.tick().catch(error =>
      this.options.logger.warn(
        `Promotion engine tick failed: ${(error as Error).message}`,
      ),
    );
  }

  async tick(): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    const tick = this.claimAndStart().finally(() => {
      this.ticking = false;
      this.ticks.delete(tick);
      if (this.again) {
        this.again = false;
        void this.poke();
      }
    });
    this.ticks.add(tick);
    await tick;
  }

  private async claimAndStart(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (free > 0) {
      const claims = await this.options.queue.claim({
        owner: this.options.owner,
        leaseMs: this.options.leaseMs,
        limit: free,
      });
      for (const claim of claims) {
        const run = this.options.runner
          .run(claim, this.shutdown.signal)
          .catch(error =>
            this.options.logger.error(
              `Promotion "${claim.project}/${
                claim.name
              }" stopped with an engine error: ${(error as Error).message}`,
            ),
          )
          .finally(() => {
            this.running.delete(run);
            // A finished Promotion lets its Stage's next one run.
            void this.poke();
          });
        this.running.add(run);
      }
    }
    await this.armTimer();
  }

  /** Wakes up when the earliest released (polling) Promotion is due. */
  private async armTimer() {
    const due = await this.options.queue.nextDueAt();
    clearTimeout(this.timer);
    if (due === undefined || this.shutdown.signal.aborted) return;
    const now = (this.options.clock ?? Date.now)();
    if (due <= now) return;
    this.timer = setTimeout(
      () => void this.poke(),
      Math.min(due - now, 60_000) + 5,
    );
    this.timer.unref?.();
  }

  /** Resolves when nothing runs (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size || this.ticks.size) {
      await Promise.allSettled([...this.running, ...this.ticks]);
    }
  }

  /** Stops taking work; running Promotions give their claims back. */
  async stop(): Promise<void> {
    this.shutdown.abort('shutdown');
    clearTimeout(this.timer);
    await this.idle();
  }
}
