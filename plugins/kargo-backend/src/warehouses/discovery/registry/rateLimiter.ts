/** Time as the rate limiter and retry logic see it (injectable in tests). */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (ms <= 0) {
        resolve();
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * At most `requestsPerSecond` on average, with up to `burst` requests at
 * once after a quiet spell (a token bucket, as GCRA): one discovery's few
 * dozen requests go out together, while a busy registry still sees no more
 * than the configured rate. `burst` 1 spaces every request evenly.
 */
export class RateLimiter {
  #intervalMs: number;
  #toleranceMs: number;
  /** Theoretical arrival time of the next request. */
  #tat = 0;

  constructor(
    requestsPerSecond: number,
    private readonly clock: Clock,
    burst = 1,
  ) {
    this.#intervalMs = RateLimiter.interval(requestsPerSecond);
    this.#toleranceMs = RateLimiter.tolerance(burst, this.#intervalMs);
  }

  static interval(requestsPerSecond: number): number {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new Error(
        `requestsPerSecond must be a positive number, got ${requestsPerSecond}`,
      );
    }
    return 1000 / requestsPerSecond;
  }

  private static tolerance(burst: number, intervalMs: number): number {
    if (!Number.isInteger(burst) || burst < 1) {
      throw new Error(
        `burst must be a whole number of at least 1, got ${burst}`,
      );
    }
    return (burst - 1) * intervalMs;
  }

  setRate(requestsPerSecond: number, burst = 1) {
    this.#intervalMs = RateLimiter.interval(requestsPerSecond);
    this.#toleranceMs = RateLimiter.tolerance(burst, this.#intervalMs);
  }

  /** Waits for the next free slot. */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const tat = Math.max(this.#tat, now);
    const allowedAt = tat - this.#toleranceMs;
    this.#tat = tat + this.#intervalMs;
    if (allowedAt > now) await this.clock.sleep(allowedAt - now, signal);
  }
}

/** One limiter per registry host, shared by every client that uses it. */
export class RateLimiterRegistry {
  readonly #limiters = new Map<string, RateLimiter>();

  constructor(readonly clock: Clock = systemClock) {}

  get(host: string, requestsPerSecond: number, burst = 1): RateLimiter {
    let limiter = this.#limiters.get(host);
    if (!limiter) {
      limiter = new RateLimiter(requestsPerSecond, this.clock, burst);
      this.#limiters.set(host, limiter);
    } else {
      limiter.setRate(requestsPerSecond, burst);
    }
    return limiter;
  }
}

/** The process-wide limiters (Kargo: one per registry per controller). */
export const sharedRateLimiters = new RateLimiterRegistry();
