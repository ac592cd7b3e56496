import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { discoveredAt } from '../../model/artifacts';
import type { PipelineModel, StageView } from '../../model/pipelineModel';
import { usePipelineActions } from '../actions';
import { availabilityFor, FreightAvailability } from './availability';

/** How many of the newest Freight the timeline loads. */
export const TIMELINE_LIMIT = 100;

/**
 * The Freight the timeline shows, newest first: the project's newest, plus
 * any older Freight a Stage still holds (so every Stage has its card).
 * In promote mode also the chosen Stage's verdict on each.
 */
export function useTimelineFreight(
  model: PipelineModel,
  promoteTarget: StageView | undefined,
  reloadKey: number,
) {
  const { api, project } = usePipelineActions();
  const listed = useAsync(
    () => api.listFreight(project, { limit: TIMELINE_LIMIT }),
    [api, project, reloadKey],
  );
  const forStage = useAsync(
    async () =>
      promoteTarget
        ? api.listFreight(project, { stage: promoteTarget.name })
        : undefined,
    [api, project, promoteTarget?.name, reloadKey],
  );

  const freight = useMemo(() => {
    const byName = new Map(model.freightByName);
    for (const f of listed.value?.items ?? []) {
      byName.set(f.metadata.name, f);
    }
    return [...byName.values()].sort(
      (a, b) =>
        discoveredAt(b) - discoveredAt(a) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
  }, [model, listed.value]);

  const availability = useMemo<
    ((f: KargoManifest) => FreightAvailability) | undefined
  >(
    () =>
      promoteTarget && forStage.value
        ? availabilityFor(promoteTarget, forStage.value)
        : undefined,
    [promoteTarget, forStage.value],
  );

  return {
    freight,
    availability,
    loading: listed.loading || forStage.loading,
    error: listed.error ?? forStage.error,
    truncated: Boolean(listed.value?.metadata.continue),
  };
}
