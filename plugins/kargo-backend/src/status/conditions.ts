import type { StoredResource } from '../database';

/** A Kubernetes-style status condition, as Kargo writes them. */
export type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
};

/**
 * The condition `type` of a resource as it is now; `lastTransitionTime`
 * moves only when the status changes, as Kubernetes conventions require.
 */
export function condition(
  resource: StoredResource,
  fields: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>,
  now: number,
): Condition {
  const previous = ((resource.status.conditions ?? []) as Condition[]).find(
    c => c.type === fields.type,
  );
  return {
    ...fields,
    observedGeneration: resource.generation,
    lastTransitionTime:
      previous && previous.status === fields.status
        ? previous.lastTransitionTime
        : new Date(now).toISOString(),
  };
}
