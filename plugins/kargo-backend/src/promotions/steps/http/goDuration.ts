import { parseDuration } from '@kargo-backstage/plugin-kargo-common';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';

/**
 * JSON Schema pattern for Kargo's duration fields (`timeout`, `pollInterval`).
 * Kargo's schema uses the same pattern unanchored and lets Go's
 * time.ParseDuration reject the rest at run time; anchoring it turns those
 * run-time errors into config validation errors.
 */
export const GO_DURATION_PATTERN =
  '^(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$';

/** Parses a Go duration string ("1m30s", "1.5h", "250ms") into milliseconds. */
export function parseGoDuration(value: string, field: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new TerminalStepError(
      `${field}: "${value}" is not a duration such as "30s", "5m" or "1h30m"`,
    );
  }
  return ms;
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
