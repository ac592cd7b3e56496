const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 MICRO SIGN
  μs: 1e-3, // U+03BC GREEK SMALL LETTER MU (Go accepts both)
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * Milliseconds of a Go duration as Kargo's manifests write them (`5m0s`,
 * `1h30m`, `1.5h`, `250ms`); undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (!text || text.replace(PART, '') !== '') {
    return undefined;
  }
  let ms = 0;
  for (const [, value, unit] of text.matchAll(PART)) {
    ms += Number(value) * UNIT_MS[unit];
  }
  return ms;
}

/** `5m0s`-style rendering of milliseconds, as Go prints durations. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms}ms`;
  }
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = +(totalSeconds % 60).toFixed(3);
  return `${hours ? `${hours}h` : ''}${
    hours || minutes ? `${minutes}m` : ''
  }${seconds}s`;
}
