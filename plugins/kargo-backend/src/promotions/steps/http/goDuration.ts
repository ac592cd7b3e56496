import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 MICRO SIGN
  μs: 1e-3, // U+03BC GREEK SMALL LETTER MU
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * JSON Schema pattern for Kargo's duration fields (`timeout`, `pollInterval`).
 * Kargo's schema uses the same pattern unanchored and lets Go's
 * time.ParseDuration reject the rest at run time; anchoring it turns those
 * run-time errors into config validation errors.
 */
export const GO_DURATION_PATTERN =
  '^(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$';

const SEGMENT = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/gy;

/** Parses a Go duration string ("1m30s", "1.5h", "250ms") into milliseconds. */
export function parseGoDuration(value: string, field: string): number {
  if (!new RegExp(GO_DURATION_PATTERN, 'u').test(value)) {
    throw new TerminalStepError(
      `${field}: "${value}" is not a duration such as "30s", "5m" or "1h30m"`,
    );
  }
  let total = 0;
  SEGMENT.lastIndex = 0;
  for (let m = SEGMENT.exec(value); m; m = SEGMENT.exec(value)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return total;
}

/** A configured duration in ms, or `fallbackMs` when the field is unset/empty. */
export function durationOrDefault(
  value: unknown,
  field: string,
  fallbackMs: number,
): number {
  if (value === undefined || value === null || value === '') return fallbackMs;
  return parseGoDuration(String(value), field);
}

/** "1m30s"-style rendering for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return rest ? `${minutes}m${rest}s` : `${minutes}m`;
}
