import type { JsonObject } from '@backstage/types';
import type { StoredResource } from '../database';

export type RequestedFreight = {
  origin: { name: string };
  sources: { direct?: boolean; stages?: string[] };
};

/**
 * Whether Freight may be promoted to a Stage: it comes straight from a
 * Warehouse the Stage takes directly, is verified in one of the Stage's
 * upstream Stages for its origin, or was approved for the Stage.
 * (Soak times and the All strategy arrive with the Stages issue.)
 */
export function isAvailableTo(
  freight: StoredResource,
  stageName: string,
  requested: RequestedFreight[],
): boolean {
  const approvedFor = (freight.status.approvedFor as JsonObject) ?? {};
  if (approvedFor[stageName]) {
    return true;
  }
  const verifiedIn = (freight.status.verifiedIn as JsonObject) ?? {};
  return requested.some(
    r =>
      r.origin.name === freight.origin &&
      (r.sources.direct ||
        (r.sources.stages ?? []).some(upstream => verifiedIn[upstream])),
  );
}
