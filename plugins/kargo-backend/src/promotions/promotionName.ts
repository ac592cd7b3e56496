import { ulid } from 'ulid';

/**
 * Kargo's Promotion name, `<stage>.<ULID>.<first 7 of the Freight name>`:
 * lexically ordered by creation time, and within Kubernetes' 253 characters
 * (long Stage names are cut).
 */
export function promotionName(
  stage: string,
  freight: string,
  now = Date.now(),
): string {
  const suffix = `.${ulid(now).toLowerCase()}.${freight.slice(0, 7)}`;
  return `${stage.slice(0, 253 - suffix.length)}${suffix}`;
}
