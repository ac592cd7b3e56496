import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityPipelineResponse,
  KARGO_MANIFESTS_ANNOTATION,
  KARGO_PROJECT_ANNOTATION,
  KARGO_STAGES_ANNOTATION,
  ManifestSourceStatus,
  ProjectPipeline,
} from '@kargo-backstage/plugin-kargo-common';
import { splitAnnotation } from '../catalog/annotatedEntities';
import type { KargoStore, StoredResource } from '../database';
import { orderStages, toManifest } from '../manifests';

/** How many recent Promotions one project's answer carries. */
const RECENT_PROMOTIONS = 100;

/** Freight names a Stage currently holds (newest collection, every origin). */
function currentFreightNames(stage: StoredResource): string[] {
  const history = stage.status.freightHistory as
    | Array<{ items?: Record<string, { name?: string }> }>
    | undefined;
  const items = history?.[0]?.items ?? {};
  return Object.values(items)
    .map(i => i.name)
    .filter((n): n is string => Boolean(n));
}

/**
 * A Stage as the tab needs it: its Freight history cut to the current
 * collection (the full history, up to 10 entries, is on the Stage itself).
 */
function withCurrentFreightOnly(stage: StoredResource) {
  const manifest = toManifest(stage);
  const history = stage.status.freightHistory;
  if (Array.isArray(history) && history.length > 1) {
    manifest.status = { ...stage.status, freightHistory: history.slice(0, 1) };
  }
  return manifest;
}

/**
 * Builds what an entity's Promotions tab shows, in one answer: the projects
 * its annotations name, with their Stages, Warehouses, current Freight and
 * recent Promotions, and how the sync of its manifests went.
 */
export class EntityPipelineLoader {
  /**
   * @param manifestSources - the sync state of entities' manifests
   *   (`kargo.akuity.io/manifests`); without it, none is shown.
   */
  constructor(
    private readonly store: KargoStore,
    private readonly catalog: CatalogService,
    private readonly manifestSources?: {
      statusOf(ref: string, location: string): Promise<ManifestSourceStatus>;
    },
  ) {}

  async load(
    entityRef: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<EntityPipelineResponse> {
    const ref = stringifyEntityRef(entityRef);
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${ref} not found`);
    }
    const annotations = entity.metadata.annotations ?? {};
    const projects = splitAnnotation(annotations[KARGO_PROJECT_ANNOTATION]);
    if (!projects.length) {
      throw new InputError(
        `Entity ${ref} has no ${KARGO_PROJECT_ANNOTATION} annotation`,
      );
    }
    const stageFilter = splitAnnotation(annotations[KARGO_STAGES_ANNOTATION]);
    const filter = stageFilter.length ? new Set(stageFilter) : undefined;
    const location = annotations[KARGO_MANIFESTS_ANNOTATION];
    return {
      entityRef: ref,
      ...(filter ? { stageFilter } : {}),
      projects: await Promise.all(
        projects.map(p => this.loadProject(p, filter)),
      ),
      ...(location && this.manifestSources
        ? {
            manifestSource: await this.manifestSources.statusOf(ref, location),
          }
        : {}),
    };
  }

  async loadProject(
    name: string,
    stageFilter?: Set<string>,
  ): Promise<ProjectPipeline> {
    const empty = {
      name,
      warehouses: [],
      stages: [],
      freight: [],
      promotions: [],
    };
    const project = await this.store.getResource({
      kind: 'Project',
      project: name,
      name,
    });
    if (!project) {
      return {
        ...empty,
        error: {
          name: 'NotFoundError',
          message: `Project "${name}" not found`,
        },
      };
    }
    const all = await this.store.listAllInProject(name, ['Warehouse', 'Stage']);
    const stages = all.filter(
      r => r.kind === 'Stage' && (!stageFilter || stageFilter.has(r.name)),
    );
    const warehouses = all.filter(r => r.kind === 'Warehouse');
    const freightNames = [
      ...new Set([
        ...stages.flatMap(currentFreightNames),
        // The newest Freight of each Warehouse, for "what is there to promote".
        ...warehouses
          .map(w => w.status.lastFreightID)
          .filter((id): id is string => typeof id === 'string'),
      ]),
    ];
    const freight = freightNames.length
      ? (
          await this.store.listResources({
            kind: 'Freight',
            project: name,
            names: freightNames,
            order: 'newest',
            limit: freightNames.length,
          })
        ).items
      : [];
    const promotions = (
      await this.store.listResources({
        kind: 'Promotion',
        project: name,
        stages: stageFilter ? stages.map(s => s.name) : undefined,
        order: 'newest',
        limit: RECENT_PROMOTIONS,
      })
    ).items;
    const byName = (a: StoredResource, b: StoredResource) =>
      a.name.localeCompare(b.name);
    return {
      name,
      project: toManifest(project),
      warehouses: warehouses.sort(byName).map(toManifest),
      stages: orderStages(stages).map(withCurrentFreightOnly),
      freight: freight.map(toManifest),
      promotions: promotions.map(toManifest),
    };
  }
}
