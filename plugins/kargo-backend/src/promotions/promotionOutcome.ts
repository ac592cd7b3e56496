import type { JsonObject } from '@backstage/types';
import type { KargoStore, StoredResource } from '../database';
import type { FreightCollection } from './freightCollection';

const HISTORY_LIMIT = 10;

export type PromotionPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Errored'
  | 'Aborted';

export const TERMINAL_PHASES: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Errored',
  'Aborted',
]);

const iso = (ms: number) => new Date(ms).toISOString();

/** The Stage starts showing a Promotion as its current one. */
export async function markStagePromoting(
  store: KargoStore,
  promotion: StoredResource,
  freight: JsonObject,
): Promise<void> {
  const key = {
    kind: 'Stage' as const,
    project: promotion.project,
    name: promotion.stage!,
  };
  const stage = await store.getResource(key);
  if (!stage) return;
  await store.updateStatus(key, {
    ...stage.status,
    currentPromotion: { name: promotion.name, freight },
  });
}

/**
 * What a finished Promotion changes beyond itself, written in the same
 * transaction as its terminal phase: the Stage's last/current Promotion,
 * and on success its Freight history and the Freight's `currentlyIn`.
 * Until health checks and verification arrive (Stages issue), a Stage
 * without `verification` counts Freight as verified once promoted.
 */
export async function recordPromotionOutcome(
  store: KargoStore,
  promotion: StoredResource,
  status: JsonObject,
  now: number,
): Promise<void> {
  const key = {
    kind: 'Stage' as const,
    project: promotion.project,
    name: promotion.stage!,
  };
  const stage = await store.getResource(key);
  if (!stage) return;
  const next: JsonObject = { ...stage.status };
  if (
    (next.currentPromotion as JsonObject | undefined)?.name === promotion.name
  ) {
    delete next.currentPromotion;
  }
  next.lastPromotion = {
    name: promotion.name,
    freight: status.freight ?? null,
    status: {
      phase: status.phase ?? null,
      message: status.message ?? null,
      finishedAt: iso(now),
    },
    finishedAt: iso(now),
  };
  const collection = status.freightCollection as FreightCollection | undefined;
  if (status.phase === 'Succeeded' && collection) {
    const history = (
      (stage.status.freightHistory ?? []) as FreightCollection[]
    ).filter(c => c.id !== collection.id);
    next.freightHistory = [collection, ...history].slice(
      0,
      HISTORY_LIMIT,
    ) as unknown as JsonObject[];
    await moveFreight(store, stage, history[0], collection, now);
  }
  await store.updateStatus(key, next);
}

async function moveFreight(
  store: KargoStore,
  stage: StoredResource,
  previous: FreightCollection | undefined,
  current: FreightCollection,
  now: number,
) {
  const currentNames = new Set(Object.values(current.items).map(i => i.name));
  const previousNames = Object.values(previous?.items ?? {})
    .map(i => i.name)
    .filter(n => !currentNames.has(n));
  const verifies = !stage.spec.verification;
  const freight = await store.getResources(
    [...currentNames, ...previousNames].map(name => ({
      kind: 'Freight' as const,
      project: stage.project,
      name,
    })),
  );
  for (const f of freight) {
    const currentlyIn = { ...((f.status.currentlyIn ?? {}) as JsonObject) };
    const verifiedIn = { ...((f.status.verifiedIn ?? {}) as JsonObject) };
    if (currentNames.has(f.name)) {
      if (!currentlyIn[stage.name])
        currentlyIn[stage.name] = { since: iso(now) };
      if (verifies && !verifiedIn[stage.name]) {
        verifiedIn[stage.name] = { verifiedAt: iso(now) };
      }
    } else {
      delete currentlyIn[stage.name];
    }
    await store.updateStatus(
      { kind: 'Freight', project: f.project, name: f.name },
      { ...f.status, currentlyIn, verifiedIn },
    );
  }
}
