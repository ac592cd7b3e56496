import type { JsonObject } from '@backstage/types';
import type { StoredResource } from '../database';
import type { FreightCollection } from '../promotions/freightCollection';

/** Kargo's verification phases (those of an AnalysisRun). */
export type VerificationPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Error'
  | 'Aborted'
  | 'Inconclusive';

/** One entry of a Freight collection's `verificationHistory`. */
export type VerificationInfo = {
  id: string;
  actor?: string;
  startTime?: string;
  finishTime?: string;
  phase: VerificationPhase;
  message?: string;
  analysisRun?: { namespace: string; name: string; phase: string };
};

export type VerifiedCollection = FreightCollection & {
  verificationHistory?: VerificationInfo[];
};

const HISTORY_LIMIT = 10;

export const isTerminalVerification = (phase: VerificationPhase) =>
  phase !== 'Pending' && phase !== 'Running';

/** The Stage's current Freight collection, if any. */
export function currentCollection(
  stage: StoredResource,
): VerifiedCollection | undefined {
  return (stage.status.freightHistory as VerifiedCollection[] | undefined)?.[0];
}

/** Kargo's UpdateOrPush: replace the entry with the same id, else prepend. */
export function updateOrPush(
  history: VerificationInfo[] | undefined,
  info: VerificationInfo,
): VerificationInfo[] {
  const rest = (history ?? []).filter(v => v.id !== info.id);
  const existing = (history ?? []).findIndex(v => v.id === info.id);
  if (existing >= 0) {
    const next = [...(history ?? [])];
    next[existing] = info;
    return next;
  }
  return [info, ...rest].slice(0, HISTORY_LIMIT);
}

/**
 * Runs Stage verification (AnalysisTemplates) for a Freight collection:
 * start one, advance it when due, abort it. `nextAt` says when to advance
 * again while it runs.
 */
export interface StageVerifier {
  start(input: {
    stage: StoredResource;
    collection: VerifiedCollection;
    actor?: string;
    now: number;
  }): Promise<{ info: VerificationInfo; nextAt?: number }>;
  advance(input: {
    stage: StoredResource;
    collection: VerifiedCollection;
    info: VerificationInfo;
    now: number;
    signal: AbortSignal;
  }): Promise<{ info: VerificationInfo; nextAt?: number }>;
  abort(input: {
    stage: StoredResource;
    info: VerificationInfo;
    actor?: string;
    now: number;
  }): Promise<VerificationInfo>;
}

/** Kargo's re-verify and abort requests: Stage annotations naming an id. */
export const REVERIFY_ANNOTATION = 'kargo.akuity.io/reverify';
export const ABORT_ANNOTATION = 'kargo.akuity.io/abort';

export type VerificationRequest = { id: string; actor?: string };

/** Reads a request annotation: JSON `{id, actor}` or a bare id, as Kargo. */
export function verificationRequest(
  stage: StoredResource,
  annotation: string,
): VerificationRequest | undefined {
  const raw = (stage.metadata.annotations as JsonObject | undefined)?.[
    annotation
  ];
  if (typeof raw !== 'string' || !raw) return undefined;
  try {
    const parsed = JSON.parse(raw);
    if (parsed && typeof parsed.id === 'string') {
      return {
        id: parsed.id,
        actor: typeof parsed.actor === 'string' ? parsed.actor : undefined,
      };
    }
  } catch {
    // Not JSON: a bare id.
  }
  return { id: raw };
}

/**
 * Why the Stage's next Promotion may not start yet (Kargo: verification
 * blocks the queue): the current Freight's verification is still running,
 * or the Stage is healthy (or not yet assessed) and its current Freight is
 * not verified yet. An unhealthy Stage or a failed verification lets the
 * next Promotion start: it may fix things.
 */
export function promotionBlockedBy(stage: StoredResource): string | undefined {
  const current = currentCollection(stage);
  if (!current) return undefined;
  const history = current.verificationHistory ?? [];
  if (history.some(v => !isTerminalVerification(v.phase))) {
    return 'the verification of the current Freight is still running';
  }
  const health = (stage.status.health as { status?: string } | undefined)
    ?.status;
  if (
    (health === undefined || health === 'Healthy') &&
    (!history[0] || !isTerminalVerification(history[0].phase))
  ) {
    return 'the current Freight has not been verified yet';
  }
  return undefined;
}
