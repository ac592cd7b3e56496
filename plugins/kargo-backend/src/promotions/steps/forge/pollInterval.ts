import { parseDuration } from '@kargo-backstage/plugin-kargo-common';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';

/** `pollInterval` in ms, or the step's default when it is not set. */
export function pollIntervalMs(
  value: string | undefined,
  defaultMs: number,
): number {
  if (value === undefined) return defaultMs;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new TerminalStepError(
      `pollInterval: "${value}" is not a positive duration (e.g. 30s, 2m)`,
    );
  }
  return ms;
}
