/**
 * Timing helpers: wall-clock milliseconds with process.hrtime, nearest-rank
 * percentiles, and RSS after a full garbage collection.
 */

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn` once and answers its wall-clock duration in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = now();
  await fn();
  return now() - start;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) {
    return NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

export function max(samples: number[]): number {
  return Math.max(...samples);
}

/** Forces a full GC (the runner passes --expose-gc) and answers RSS in bytes. */
export function rssAfterGc(): number {
  const gc = (global as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error(
      'global.gc is missing: run through `npm run bench` (node --expose-gc)',
    );
  }
  gc();
  gc();
  return process.memoryUsage().rss;
}
