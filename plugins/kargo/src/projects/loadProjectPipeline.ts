import type {
  KargoList,
  KargoManifest,
  ListOptions,
  ProjectPipeline,
} from '@kargo-backstage/plugin-kargo-common';
import type { KargoApi } from '../api';
import type { StageStatus } from '../model/kargoTypes';
import { orderStages } from '../model/stageOrder';
import type { WarehouseStatus } from '../model/warehouseModel';

/** Page size of the lists read here (the server allows up to 1,000). */
const PAGE = 500;
/** As many recent Promotions as an entity's pipeline carries. */
const RECENT_PROMOTIONS = 100;
/** Held Freight read one by one, at most this many at a time. */
const PARALLEL_READS = 8;

/** Every item of a paged list. */
async function readAll(
  list: (options: ListOptions) => Promise<KargoList>,
): Promise<KargoManifest[]> {
  const items: KargoManifest[] = [];
  let next: string | undefined;
  do {
    const page = await list({ limit: PAGE, continue: next });
    items.push(...page.items);
    next = page.metadata.continue;
  } while (next);
  return items;
}

/** `run` on each item, `limit` at a time. */
async function inBatches<T, R>(
  items: T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map(run))));
  }
  return results;
}

/**
 * A project's pipeline as the entity tab shows it, read from the project's
 * lists: Stages in promotion order, Warehouses, recent Promotions, and the
 * Freight the Stages hold and each Warehouse's newest.
 *
 * The backend answers this in one request only for catalog entities; a
 * per-project route would save these round trips (see the README).
 */
export async function loadProjectPipeline(
  api: KargoApi,
  name: string,
): Promise<ProjectPipeline> {
  const [project, stages, warehouses, promotions, newest] = await Promise.all([
    api.getProject(name),
    readAll(o => api.listStages(name, o)),
    readAll(o => api.listWarehouses(name, o)),
    api.listPromotions(name, { limit: RECENT_PROMOTIONS }),
    api.listFreight(name, { limit: PAGE }),
  ]);
  const wanted = new Set<string>();
  for (const stage of stages) {
    const held = (stage.status as StageStatus | undefined)?.freightHistory?.[0];
    for (const ref of Object.values(held?.items ?? {})) {
      if (ref.name) wanted.add(ref.name);
    }
  }
  for (const warehouse of warehouses) {
    const id = (warehouse.status as WarehouseStatus | undefined)?.lastFreightID;
    if (id) wanted.add(id);
  }
  const freight = newest.items.filter(f => wanted.has(f.metadata.name));
  const found = new Set(freight.map(f => f.metadata.name));
  const older = await inBatches(
    [...wanted].filter(n => !found.has(n)),
    PARALLEL_READS,
    // Deleted meanwhile: the Stage shows the Freight's name instead.
    n => api.getFreight(name, n).catch(() => undefined),
  );
  return {
    name,
    project,
    stages: orderStages(stages),
    warehouses: [...warehouses].sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    ),
    freight: [...freight, ...older.filter((f): f is KargoManifest => !!f)],
    promotions: promotions.items,
  };
}
