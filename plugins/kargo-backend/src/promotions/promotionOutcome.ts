import { NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  formatDuration,
  parseDuration,
} from '@kargo-backstage/plugin-kargo-common';
import type { KargoStore, StageQueue, StoredResource } from '../database';
import { asJson, Condition, setCondition } from '../stages/stageConditions';
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
  stages: StageQueue,
  promotion: StoredResource,
  freight: JsonObject,
): Promise<void> {
  const key = {
    kind: 'Stage' as const,
    project: promotion.project,
    name: promotion.stage!,
  };
  if (!(await store.getResource(key))) return;
  await store.updateStatusWith(key, stage => ({
    ...stage.status,
    currentPromotion: { name: promotion.name, freight },
  }));
  await stages.touch([{ project: key.project, name: key.name }]);
}

/**
 * What a finished Promotion changes beyond itself, written in the same
 * transaction as its terminal phase: the Stage's last/current Promotion,
 * and on success its Freight history and the Freight's `currentlyIn`.
 */
export async function recordPromotionOutcome(
  store: KargoStore,
  stages: StageQueue,
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
  const collection = status.freightCollection as FreightCollection | undefined;
  const succeeded = status.phase === 'Succeeded' && collection;
  let previous: FreightCollection | undefined;
  const updated = await store.updateStatusWith(key, current => {
    const next: JsonObject = { ...current.status };
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
    if (succeeded) {
      // New Freight: health and verification start over (Kargo resets them).
      delete next.health;
      let conditions = current.status.conditions as Condition[] | undefined;
      conditions = setCondition(
        conditions,
        {
          type: 'Healthy',
          status: 'Unknown',
          reason: 'WaitingForHealthCheck',
          message:
            'Waiting for health check to be performed after successful promotion',
        },
        now,
      );
      conditions = setCondition(
        conditions,
        {
          type: 'Verified',
          status: 'Unknown',
          reason: 'WaitingForVerification',
          message:
            'Waiting for verification to be performed after successful promotion',
        },
        now,
      );
      next.conditions = asJson(conditions);
      const history = (
        (current.status.freightHistory ?? []) as FreightCollection[]
      ).filter(c => c.id !== collection.id);
      previous = history[0];
      next.freightHistory = [collection, ...history].slice(
        0,
        HISTORY_LIMIT,
      ) as unknown as JsonObject[];
    }
    return next;
  });
  if (succeeded) {
    await moveFreight(store, updated, previous, collection, now);
  }
  // Health, verification and the queue's gate depend on the outcome.
  await stages.touch([{ project: key.project, name: key.name }]);
}

/**
 * The Freight leaving and entering the Stage (`currentlyIn`; on leaving, a
 * Stage it was verified in records its longest continuous stay, Kargo's
 * `longestSoak`). Being verified there is the Stage reconciliation's call,
 * once healthy and verified. Other Stages' Promotions of the same Freight
 * finish at the same time: each Freight's status is recomputed from a fresh
 * read (locked on PostgreSQL), in name order so two such transactions never
 * wait on each other crosswise.
 */
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
  for (const name of [...currentNames, ...previousNames].sort()) {
    const key = { kind: 'Freight' as const, project: stage.project, name };
    try {
      await store.updateStatusWith(key, f => {
        const currentlyIn = { ...((f.status.currentlyIn ?? {}) as JsonObject) };
        const verifiedIn = { ...((f.status.verifiedIn ?? {}) as JsonObject) };
        if (currentNames.has(name)) {
          currentlyIn[stage.name] ??= { since: iso(now) };
        } else {
          const since = (currentlyIn[stage.name] as JsonObject | undefined)
            ?.since;
          const verified = verifiedIn[stage.name] as JsonObject | undefined;
          if (typeof since === 'string' && verified) {
            const stay = now - Date.parse(since);
            const longest =
              parseDuration(String(verified.longestSoak ?? '')) ?? 0;
            if (stay > longest) {
              verifiedIn[stage.name] = {
                ...verified,
                longestSoak: formatDuration(stay),
              };
            }
          }
          delete currentlyIn[stage.name];
        }
        return { ...f.status, currentlyIn, verifiedIn };
      });
    } catch (error) {
      // Freight deleted meanwhile has no status left to keep.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
}
