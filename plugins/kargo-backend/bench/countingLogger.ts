/**
 * A LoggerService for code under measurement: counts lines and keeps the
 * first few errors and warnings, so the backend's problems are reported in
 * the figures' notes instead of printed in the middle of a measurement.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';

const KEEP = 3;

export function countingLogger() {
  const counts = { error: 0, warn: 0, info: 0 };
  const errors: string[] = [];
  const warnings: string[] = [];
  const logger: LoggerService = {
    error: message => {
      counts.error++;
      if (errors.length < KEEP) errors.push(String(message));
    },
    warn: message => {
      counts.warn++;
      if (warnings.length < KEEP) warnings.push(String(message));
    },
    info: () => {
      counts.info++;
    },
    debug: () => {},
    child: () => logger,
  };
  return { logger, counts, errors, warnings };
}
