import type { LoggerService } from '@backstage/backend-plugin-api';

/** What a {@link WorkLoop} claims, runs and waits for. */
export type WorkSource<C> = {
  /** Claims up to `limit` items that are due now. */
  claim(limit: number): Promise<C[]>;
  /** Runs one claimed item to the end of this turn (never throws past it). */
  run(claim: C, signal: AbortSignal): Promise<void>;
  /** When the earliest item not due yet becomes due, for the timer. */
  nextDueAt(): Promise<number | undefined>;
  /** For log lines: "Promotion demo/p1". */
  describe(claim: C): string;
};

/**
 * Lets timers and I/O run. With SQLite (better-sqlite3 is synchronous),
 * a knex query resolves as a microtask: without this, a loop working
 * through hundreds of items never gives the event loop back, and an HTTP
 * answer ready long before waits until the whole backlog is done.
 */
const yieldToEventLoop = () => new Promise<void>(r => setImmediate(r));

/**
 * Claims due work from the database and runs up to `concurrency` items at
 * once on this instance. Ticks come from the scheduler (every instance, a
 * cheap query), from a timer set to the next item that is due, and at once
 * after a local change or a finished item. The promotion engine and the
 * Stage reconciliation both run on one.
 */
export class WorkLoop<C> {
  private readonly running = new Set<Promise<void>>();
  private readonly ticks = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private again = false;

  constructor(
    private readonly loop: {
      name: string;
      source: WorkSource<C>;
      concurrency: number;
      logger: LoggerService;
      clock?: () => number;
    },
  ) {}

  /** The signal that stops running items when the loop stops. */
  protected get signal(): AbortSignal {
    return this.shutdown.signal;
  }

  /** A tick whose failure is logged, not thrown: for timers and callbacks. */
  poke(): Promise<void> {
    return this.tick().catch(error =>
      this.loop.logger.warn(
        `${this.loop.name} tick failed: ${(error as Error).message}`,
      ),
    );
  }

  /**
   * The scheduler's periodic tick (every instance): claims what is due.
   * Unless it claims something, it leaves the timer as it is: the timer
   * serves work this instance made due later (each local change pokes, and
   * a poke re-arms it), and whatever another instance makes due is found
   * by a later tick anyway, within one period. An idle tick is then one
   * query, not two.
   */
  scheduledTick(): Promise<void> {
    return this.tick({ rearm: false }).catch(error =>
      this.loop.logger.warn(
        `${this.loop.name} tick failed: ${(error as Error).message}`,
      ),
    );
  }

  async tick(options: { rearm?: boolean } = {}): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    const tick = this.claimAndStart(options.rearm ?? true).finally(() => {
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

  private async claimAndStart(rearm: boolean): Promise<void> {
    await yieldToEventLoop();
    const { source } = this.loop;
    const free = this.loop.concurrency - this.running.size;
    let claimed = false;
    if (free > 0) {
      const claims = await source.claim(free);
      claimed = claims.length > 0;
      for (const claim of claims) {
        const run = yieldToEventLoop()
          .then(() => source.run(claim, this.shutdown.signal))
          .catch(error =>
            this.loop.logger.error(
              `${source.describe(claim)} stopped with an engine error: ${
                (error as Error).message
              }`,
            ),
          )
          .finally(() => {
            this.running.delete(run);
            // A finished item may let the next one run.
            void this.poke();
          });
        this.running.add(run);
      }
    }
    if (rearm || claimed) await this.armTimer();
  }

  /** Wakes up when the earliest item not due yet becomes due. */
  private async armTimer() {
    const due = await this.loop.source.nextDueAt();
    clearTimeout(this.timer);
    if (due === undefined || this.shutdown.signal.aborted) return;
    const now = (this.loop.clock ?? Date.now)();
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

  /** Stops taking work; running items see the signal and give back. */
  async stop(): Promise<void> {
    this.shutdown.abort('shutdown');
    clearTimeout(this.timer);
    await this.idle();
  }
}
