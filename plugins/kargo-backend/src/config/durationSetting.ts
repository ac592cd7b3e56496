import type { RootConfigService } from '@backstage/backend-plugin-api';
import { parseDuration } from '@kargo-backstage/plugin-kargo-common';

/** A duration from app-config (`5m0s`, `30s`), in ms, or the fallback. */
export function durationSetting(
  config: RootConfigService,
  key: string,
  fallback: string,
): number {
  const text = config.getOptionalString(key) ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new Error(`${key}: "${text}" is not a duration such as 5m0s`);
  }
  return ms;
}
