import type { JsonObject } from '@backstage/types';
import {
  formatDuration,
  parseDuration,
} from '@kargo-backstage/plugin-kargo-common';
import type { KargoStore, StoredResource } from '../database';

/** One `spec.requestedFreight[]` entry of a Stage. */
export type RequestedFreight = {
  origin: { kind?: string; name: string };
  sources: {
    direct?: boolean;
    stages?: string[];
    requiredSoakTime?: string;
    availabilityStrategy?: 'OneOf' | 'All' | '';
    autoPromotionOptions?: {
      selectionPolicy?: 'NewestFreight' | 'MatchUpstream';
    };
  };
};

/** Why Freight is, or is not yet, available to a Stage. */
export type Availability =
  | { available: true; because: 'approved' | 'direct' | 'verified upstream' }
  | {
      available: false;
      reason: string;
      /** When soaking ends, if that is all that is missing. */
      availableAt?: number;
    };

/** Who rejected Freight (for one Stage or the whole project), and why. */
export type Rejection = {
  rejectedBy: string;
  rejectedAt: string;
  reason: string;
};

type FreightStatus = {
  rejected?: Rejection;
  rejectedFor?: Record<string, Rejection>;
  currentlyIn?: Record<string, { since?: string }>;
  verifiedIn?: Record<string, { verifiedAt?: string; longestSoak?: string }>;
  approvedFor?: Record<string, { approvedAt?: string }>;
};

const statusOf = (freight: StoredResource) =>
  freight.status as unknown as FreightStatus;

export function requestedFreightOf(stage: StoredResource): RequestedFreight[] {
  return (stage.spec.requestedFreight ?? []) as RequestedFreight[];
}

/**
 * Kargo's `GetLongestSoak`: how long the Freight was in continuous use by
 * a Stage it is verified in — the longest completed stay, or the current
 * one if longer. Zero where it is not verified.
 */
export function longestSoakMs(
  freight: StoredResource,
  stage: string,
  now: number,
): number {
  const status = statusOf(freight);
  const verified = status.verifiedIn?.[stage];
  if (!verified) return 0;
  const completed = verified.longestSoak
    ? parseDuration(verified.longestSoak) ?? 0
    : 0;
  const since = status.currentlyIn?.[stage]?.since;
  const current = since ? Math.max(0, now - Date.parse(since)) : 0;
  return Math.max(completed, current);
}

/** The upstream's verdict: verified, soaked, or when it will be. */
function upstreamState(
  freight: StoredResource,
  upstream: string,
  soakMs: number,
  now: number,
): { ok: boolean; soakedAt?: number } {
  if (!statusOf(freight).verifiedIn?.[upstream]) return { ok: false };
  const soaked = longestSoakMs(freight, upstream, now);
  if (soaked >= soakMs) return { ok: true };
  const inUpstream = statusOf(freight).currentlyIn?.[upstream];
  // Still soaking only while it stays in the upstream Stage.
  return {
    ok: false,
    soakedAt: inUpstream ? now + (soakMs - soaked) : undefined,
  };
}

/**
 * The rejection that keeps Freight out of a Stage, if any: one for the whole
 * project first, then one for this Stage (Kargo issue #6151).
 */
export function rejectionOf(
  freight: StoredResource,
  stageName: string,
): (Rejection & { scope: 'project' | 'stage' }) | undefined {
  const { rejected, rejectedFor } = statusOf(freight);
  if (rejected) return { ...rejected, scope: 'project' };
  const forStage = rejectedFor?.[stageName];
  return forStage ? { ...forStage, scope: 'stage' } : undefined;
}

/** The sentence a rejection shows as. */
export function describeRejection(
  rejection: Rejection & { scope: 'project' | 'stage' },
): string {
  return `it was rejected ${
    rejection.scope === 'project' ? 'for the whole project' : 'for this Stage'
  } by ${rejection.rejectedBy}: ${rejection.reason}`;
}

/**
 * Kargo's `Stage.IsFreightAvailable` with the reason when not: approved for
 * the Stage, straight from a Warehouse the Stage takes directly, or
 * verified (and soaked for `requiredSoakTime`) in one (`OneOf`) or all
 * (`All`) of the upstream Stages. With `MatchUpstream` only the Freight
 * currently in the single upstream Stage is available, as in Kargo's list.
 */
export function freightAvailability(
  freight: StoredResource,
  stageName: string,
  requested: RequestedFreight[],
  now: number,
): Availability {
  const matching = requested.filter(r => r.origin.name === freight.origin);
  if (!matching.length) {
    return {
      available: false,
      reason: `the Stage does not request Freight from Warehouse "${freight.origin}"`,
    };
  }
  // A rejection wins over everything, approval included: quarantine.
  const rejection = rejectionOf(freight, stageName);
  if (rejection) {
    return { available: false, reason: describeRejection(rejection) };
  }
  if (statusOf(freight).approvedFor?.[stageName]) {
    return { available: true, because: 'approved' };
  }
  const reasons: string[] = [];
  let availableAt: number | undefined;
  for (const { sources } of matching) {
    if (sources.direct) return { available: true, because: 'direct' };
    const upstreams = sources.stages ?? [];
    const soakMs = sources.requiredSoakTime
      ? parseDuration(sources.requiredSoakTime) ?? 0
      : 0;
    const matchUpstream =
      sources.autoPromotionOptions?.selectionPolicy === 'MatchUpstream';
    if (matchUpstream && !statusOf(freight).currentlyIn?.[upstreams[0]]) {
      reasons.push(`it is not currently in "${upstreams[0]}" (MatchUpstream)`);
      continue;
    }
    const states = upstreams.map(u => ({
      upstream: u,
      ...upstreamState(freight, u, soakMs, now),
    }));
    const all = sources.availabilityStrategy === 'All';
    if (all ? states.every(s => s.ok) : states.some(s => s.ok)) {
      return { available: true, because: 'verified upstream' };
    }
    const missing = states.filter(s => !s.ok);
    const unverified = missing.filter(s => s.soakedAt === undefined);
    const soaking = missing.filter(s => s.soakedAt !== undefined);
    // Soaking is all that is missing: say when it will be available.
    if (soaking.length && (all ? !unverified.length : true)) {
      const at = all
        ? Math.max(...soaking.map(s => s.soakedAt!))
        : Math.min(...soaking.map(s => s.soakedAt!));
      availableAt = availableAt === undefined ? at : Math.min(availableAt, at);
      reasons.push(
        `soaking in ${soaking
          .map(s => `"${s.upstream}"`)
          .join(all ? ' and ' : ' or ')} for ${formatDuration(
          // Whole seconds, rounded up: "59m59.898s" says nothing more.
          Math.ceil((at - now) / 1000) * 1000,
        )} more (requiredSoakTime ${sources.requiredSoakTime})`,
      );
    } else if (unverified.length) {
      reasons.push(
        `not verified in ${unverified
          .map(s => `"${s.upstream}"`)
          .join(all ? ' and ' : ' or ')}${
          all && upstreams.length > 1 ? ' (availabilityStrategy All)' : ''
        }`,
      );
    }
  }
  return {
    available: false,
    reason: reasons.join('; ') || 'no source of this origin offers it',
    ...(availableAt !== undefined ? { availableAt } : {}),
  };
}

export function isAvailableTo(
  freight: StoredResource,
  stageName: string,
  requested: RequestedFreight[],
  now: number = Date.now(),
): boolean {
  return freightAvailability(freight, stageName, requested, now).available;
}

/**
 * Stages taking Freight from `stageName` (of `origin`, when given), as
 * Kargo's findDownstreamStages: those listing it in `sources.stages`.
 */
export async function downstreamStages(
  store: KargoStore,
  project: string,
  stageName: string,
  origin?: string,
): Promise<StoredResource[]> {
  const { items } = await store.listResources({
    kind: 'Stage',
    project,
    order: 'name',
  });
  return items.filter(s =>
    requestedFreightOf(s).some(
      r =>
        (origin === undefined || r.origin.name === origin) &&
        r.sources.stages?.includes(stageName),
    ),
  );
}

/** Stages with no promotion steps: Freight passes through them (Kargo). */
export function isControlFlowStage(stage: StoredResource): boolean {
  const template = (stage.spec.promotionTemplate as JsonObject | undefined)
    ?.spec as { steps?: unknown[] } | undefined;
  return !template?.steps?.length;
}
