import type { JsonObject } from '@backstage/types';
import type { KargoStore, StoredResource } from '../database';
import type { PromotionRequest } from '../promotions/PromotionCreator';
import { CREATE_ACTOR_ANNOTATION } from '../promotions/PromotionCreator';
import {
  matchesNameOrLabelSelector,
  type NameOrLabelSelector,
} from '../selectors/stageSelector';
import { requestedFreightOf } from './freightAvailability';
import { listFreightForStage } from './freightForStage';
import { currentCollection } from './verification';

/** Kargo's actor for what the controller does by itself. */
export const AUTO_PROMOTION_ACTOR = 'controller:kargo';

type PromotionPolicy = {
  stage?: string;
  stageSelector?: NameOrLabelSelector;
  autoPromotionEnabled?: boolean;
};

type Hold = {
  freightName: string;
  origin: { kind: 'Warehouse'; name: string };
  promotionName: string;
  actor?: string;
  createdAt: string;
};

/**
 * Kargo: only a ProjectConfig promotion policy enables auto-promotion
 * (Stage editors cannot turn it on themselves); the first policy whose
 * selector matches the Stage (name exact, `glob:` or `regex:`, and labels)
 * decides.
 */
export function autoPromotionEnabled(
  projectConfig: StoredResource | undefined,
  stage: StoredResource,
): boolean {
  const policies = (projectConfig?.spec.promotionPolicies ??
    []) as PromotionPolicy[];
  const labels = (stage.metadata.labels ?? {}) as Record<string, string>;
  const policy = policies.find(p =>
    p.stage !== undefined
      ? p.stage === stage.name
      : matchesNameOrLabelSelector(p.stageSelector ?? {}, {
          name: stage.name,
          labels,
        }),
  );
  return policy?.autoPromotionEnabled === true;
}

/**
 * Kargo's auto-promotion of one Stage: per requested origin, the candidate
 * (newest available Freight, or with MatchUpstream the one in the
 * upstream Stage) is promoted unless the origin is held, the Stage has it
 * already, a Promotion of it is waiting or running, or the last finished
 * Promotion of it to this Stage did not succeed (no retry loops). A user's
 * successful Promotion of other Freight holds the origin; promoting the
 * candidate releases it. Returns the status fields it owns and when soaking
 * Freight becomes a candidate.
 */
export async function autoPromote(input: {
  store: KargoStore;
  stage: StoredResource;
  promote: (
    project: string,
    stage: string,
    request: PromotionRequest,
    actor: string,
  ) => Promise<StoredResource>;
  now: number;
}): Promise<{ status: JsonObject; nextAt?: number }> {
  const { store, stage, now } = input;
  const config = await store.getResource({
    kind: 'ProjectConfig',
    project: stage.project,
    name: stage.project,
  });
  const enabled = autoPromotionEnabled(config, stage);
  if (!enabled) {
    return {
      status: {
        autoPromotionEnabled: false,
        autoPromotionHolds: null,
        autoPromotionHoldsChecked: null,
      },
    };
  }
  const holds = {
    ...((stage.status.autoPromotionHolds ?? {}) as Record<string, Hold>),
  };
  const checked = {
    ...((stage.status.autoPromotionHoldsChecked ?? {}) as Record<
      string,
      string
    >),
  };
  const recent = (
    await store.listResources({
      kind: 'Promotion',
      project: stage.project,
      stages: [stage.name],
      order: 'newest',
      limit: 50,
    })
  ).items;
  // The Stage as it stands now, read after its Promotions: one that
  // succeeded since this reconciliation read the Stage is recorded in its
  // Freight history by now (same transaction as its phase), so it is not
  // taken for Freight the Stage still lacks (Kargo's "succeeded but not yet
  // recorded" case).
  const latest = await store.getResource({
    kind: 'Stage',
    project: stage.project,
    name: stage.name,
  });
  const current = currentCollection(latest ?? stage);
  // Just turned on (or first seen on): a fresh start, as in Kargo. What was
  // promoted while it was off is judged as seen and holds nothing.
  const fresh = stage.status.autoPromotionEnabled !== true;
  let nextAt: number | undefined;
  for (const origin of new Set(
    requestedFreightOf(stage).map(r => r.origin.name),
  )) {
    const key = `Warehouse/${origin}`;
    const page = await listFreightForStage(store, stage.project, stage.name, {
      origins: [origin],
      limit: 1,
      now,
    });
    for (const u of page.unavailable) {
      if (u.availableAt) {
        nextAt = Math.min(nextAt ?? Infinity, Date.parse(u.availableAt));
      }
    }
    const candidate = page.items[0];
    updateHold(holds, checked, key, origin, recent, candidate?.name, fresh);
    if (!candidate || holds[key]) continue;
    if (current?.items[key]?.name === candidate.name) continue;
    const ofCandidate = recent.filter(p => p.spec.freight === candidate.name);
    const unfinished = ofCandidate.some(
      p =>
        !['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(
          String(p.status.phase),
        ),
    );
    if (unfinished) continue;
    const lastFinished = ofCandidate[0];
    if (lastFinished && lastFinished.status.phase !== 'Succeeded') continue;
    await input.promote(
      stage.project,
      stage.name,
      { freight: candidate.name },
      AUTO_PROMOTION_ACTOR,
    );
  }
  return {
    status: {
      autoPromotionEnabled: true,
      autoPromotionHolds: Object.keys(holds).length
        ? (holds as unknown as JsonObject)
        : null,
      autoPromotionHoldsChecked: Object.keys(checked).length ? checked : null,
    },
    ...(nextAt !== undefined ? { nextAt } : {}),
  };
}

/**
 * Holds (Kargo 1.11): the newest finished Promotion of this origin decides.
 * A user's successful Promotion of Freight other than the candidate pins
 * the origin; one of the candidate releases it; aborted ones change nothing.
 * (`autoPromotionHoldsChecked` remembers which Promotion was judged.)
 * Holds exist only while auto-promotion is on: when it was just turned on
 * (`fresh`), the newest Promotion counts as judged without holding.
 */
function updateHold(
  holds: Record<string, Hold>,
  checked: Record<string, string>,
  key: string,
  origin: string,
  recent: StoredResource[],
  candidate: string | undefined,
  fresh: boolean,
) {
  const last = recent.find(
    p =>
      p.status.phase === 'Succeeded' &&
      (p.status.freight as { origin?: { name?: string } } | undefined)?.origin
        ?.name === origin,
  );
  if (!last) return;
  const actor = (last.metadata.annotations as JsonObject | undefined)?.[
    CREATE_ACTOR_ANNOTATION
  ] as string | undefined;
  const byUser = !actor?.startsWith('controller:');
  const freight = String(last.spec.freight);
  // Judged once, when first seen finished: the candidate of that moment.
  if (checked[key] === last.name) return;
  checked[key] = last.name;
  if (fresh) return;
  if (byUser && candidate !== undefined && freight !== candidate) {
    holds[key] = {
      freightName: freight,
      origin: { kind: 'Warehouse', name: origin },
      promotionName: last.name,
      ...(actor ? { actor } : {}),
      createdAt: String(last.status.finishedAt ?? new Date().toISOString()),
    };
  } else if (freight === candidate) {
    delete holds[key];
  }
}
