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
 * Spaces requests evenly, `requestsPerSecond` at most (no bursts), like the
 * leaky-bucket limiter Kargo puts in front of each registry.
 */
export class RateLimiter {
  #intervalMs: number;
  #next = 0;

  constructor(requestsPerSecond: number, private readonly clock: Clock) {
    this.#intervalMs = RateLimiter.interval(requestsPerSecond);
  }

  static interval(requestsPerSecond: number): number {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new Error(
        `requestsPerSecond must be a positive number, got ${requestsPerSecond}`,
      );
    }
    return 1000 / requestsPerSecond;
  }

  setRate(requestsPerSecond: number) {
    this.#intervalMs = RateLimiter.interval(requestsPerSecond);
  }

  /** Waits for the next free slot. */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.#next);
    this.#next = slot + this.#intervalMs;
    if (slot > now) await this.clock.sleep(slot - now, signal);
  }
}

/** One limiter per registry host, shared by every client that uses it. */
export class RateLimiterRegistry {
  readonly #limiters = new Map<string, RateLimiter>();

  constructor(readonly clock: Clock = systemClock) {}

  get(host: string, requestsPerSecond: number): RateLimiter {
    let limiter = this.#limiters.get(host);
    if (!limiter) {
      limiter = new RateLimiter(requestsPerSecond, this.clock);
      this.#limiters.set(host, limiter);
    } else {
      limiter.setRate(requestsPerSecond);
    }
    return limiter;
  }
}

/** The process-wide limiters (Kargo: one per registry per controller). */
export const sharedRateLimiters = new RateLimiterRegistry();
