import type { ApplyResult } from '@kargo-backstage/plugin-kargo-common';
import type { KargoStore } from '../database';
import { requestedFreightOf } from './freightAvailability';

type StageRef = { project: string; name: string };

/** Every Stage of a project, for project-wide changes (config, freezes). */
export async function projectStages(
  store: KargoStore,
  project: string,
): Promise<StageRef[]> {
  const { items } = await store.listResources({
    kind: 'Stage',
    project,
    order: 'name',
  });
  return items.map(s => ({ project, name: s.name }));
}

/**
 * The Stages an applied batch concerns: a created or changed Stage itself;
 * for new Freight, the Stages taking its Warehouse's Freight directly
 * (auto-promotion, control-flow Stages); for a ProjectConfig, every Stage of
 * its project (promotion policies).
 */
export async function stagesAffectedBy(
  store: KargoStore,
  results: ApplyResult[],
): Promise<StageRef[]> {
  const affected: StageRef[] = [];
  const projectsWide = new Set<string>();
  const origins = new Map<string, Set<string>>();
  for (const result of results) {
    const manifest =
      result.createdResourceManifest ?? result.updatedResourceManifest;
    if (!manifest) continue;
    const project = String(manifest.metadata.namespace ?? '');
    const name = manifest.metadata.name;
    if (manifest.kind === 'Stage') affected.push({ project, name });
    if (manifest.kind === 'ProjectConfig') projectsWide.add(project);
    if (manifest.kind === 'Freight' && result.createdResourceManifest) {
      const origin = (manifest.origin as { name?: string } | undefined)?.name;
      if (origin) {
        origins.set(project, (origins.get(project) ?? new Set()).add(origin));
      }
    }
  }
  for (const project of new Set([...projectsWide, ...origins.keys()])) {
    const { items } = await store.listResources({
      kind: 'Stage',
      project,
      order: 'name',
    });
    for (const stage of items) {
      const direct = requestedFreightOf(stage).some(
        r => r.sources.direct && origins.get(project)?.has(r.origin.name),
      );
      if (projectsWide.has(project) || direct) {
        affected.push({ project, name: stage.name });
      }
    }
  }
  return affected;
}
