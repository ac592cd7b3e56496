import type {
  KargoManifest,
  StageFreightList,
} from '@kargo-backstage/plugin-kargo-common';
import { freightOrigin } from '../../model/artifacts';
import type { StageView } from '../../model/pipelineModel';

/** Whether a Stage may take a piece of Freight, and if not, why. */
export type FreightAvailability =
  | { available: true }
  | {
      available: false;
      reason: string;
      availableAt?: number;
      /** Whether approving would help: not for an origin it does not take. */
      approvable: boolean;
    };

/**
 * Reads the server's answer for a Stage into a lookup by Freight name:
 * listed items are available, `unavailable` ones carry the reason. Freight
 * of an origin the Stage does not request gets that as its reason; Freight
 * the answer skipped (beyond its page) says so rather than guessing.
 */
export function availabilityFor(
  stage: StageView,
  answer: StageFreightList,
): (freight: KargoManifest) => FreightAvailability {
  const available = new Set(answer.items.map(f => f.metadata.name));
  const unavailable = new Map(answer.unavailable.map(u => [u.name, u]));
  const origins = new Set(stage.requested.map(r => r.origin.name));
  return freight => {
    const name = freight.metadata.name;
    if (available.has(name)) return { available: true };
    const why = unavailable.get(name);
    if (why) {
      return {
        available: false,
        reason: why.reason,
        availableAt: why.availableAt ? Date.parse(why.availableAt) : undefined,
        approvable: true,
      };
    }
    const origin = freightOrigin(freight);
    if (!origins.has(origin)) {
      return {
        available: false,
        reason: `${stage.name} does not take Freight from Warehouse "${origin}"`,
        approvable: false,
      };
    }
    return {
      available: false,
      reason: 'not among the Freight the server checked for this Stage',
      approvable: true,
    };
  };
}
