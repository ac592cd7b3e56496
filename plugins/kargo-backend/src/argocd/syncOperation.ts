import type { CoreV1Event } from '@kubernetes/client-node';
import {
  ARGOCD_GROUP,
  ARGOCD_VERSION,
  isCompleted,
  REFRESH_ANNOTATION,
  type Application,
  type ApplicationSource,
  type Operation,
  type OperationPhase,
} from './application';

/** Marks an operation as Kargo's, and names the Promotion it serves. */
export const PROMOTION_INFO_KEY = 'kargo.akuity.io/promotion';
/** Who starts operations for Promotions no person started. */
export const AUTOMATED_INITIATOR = 'kargo-controller';

const promotionOf = (operation: Operation | undefined) =>
  operation?.info?.find(i => i?.name === PROMOTION_INFO_KEY)?.value;

/**
 * What to do with one App for one Promotion: `sync` (start our operation)
 * or wait/finish on `phase`. `reason` says why, for the step's log.
 */
export type SyncDecision = {
  sync: boolean;
  phase?: OperationPhase;
  reason?: string;
};

/**
 * Kargo's rules for whether an App needs a (new) sync for `promotion`:
 * nobody else's operation is cut short, ours is waited for, and a finished
 * one counts only if it synced the desired revisions.
 */
export function decideSync(
  app: Application,
  promotion: string,
  revisions: string[],
): SyncDecision {
  const state = app.status?.operationState;
  // Asked for but not picked up by Argo CD yet: Kargo would ask again; we
  // wait, so a quick poll does not restart an operation that is queued.
  if (app.operation && (!state || isCompleted(state.phase))) {
    const owner = promotionOf(app.operation);
    if (owner === promotion) return { sync: false, phase: 'Running' };
    return {
      sync: false,
      phase: 'Running',
      reason: `an operation requested by ${
        owner
          ? `Promotion ${owner}`
          : `"${app.operation.initiatedBy?.username ?? 'unknown'}"`
      } has not started yet: waiting for it to complete`,
    };
  }
  if (!state) return { sync: true };
  const owner = promotionOf(state.operation);
  if (owner === undefined) {
    if (!isCompleted(state.phase)) {
      return {
        sync: false,
        phase: state.phase ?? 'Running',
        reason: `current operation was initiated by "${
          state.operation?.initiatedBy?.username ?? ''
        }": waiting for operation to complete`,
      };
    }
    return { sync: true };
  }
  if (owner !== promotion) {
    if (!isCompleted(state.phase)) {
      return {
        sync: false,
        phase: state.phase ?? 'Running',
        reason: `current operation was not initiated for Promotion ${promotion}: waiting for operation to complete`,
      };
    }
    return { sync: true };
  }
  if (!isCompleted(state.phase)) return { sync: false, phase: state.phase };
  if (!state.syncResult) {
    return { sync: true, reason: 'operation completed without a sync result' };
  }
  if (!revisions.some(Boolean)) return { sync: false, phase: state.phase };
  const observed = state.syncResult.revisions?.length
    ? state.syncResult.revisions
    : [state.syncResult.revision ?? ''];
  const mismatch = observed.some(
    (revision, i) => !!revisions[i] && revision !== revisions[i],
  );
  if (mismatch) {
    return {
      sync: true,
      reason: `sync result revisions [${observed.join(
        ' ',
      )}] do not match desired revisions [${revisions.join(' ')}]`,
    };
  }
  return { sync: false, phase: state.phase };
}

/**
 * The App with our sync requested: new sources, a hard refresh, and an
 * `operation` the way Argo CD's API server would write one. A person's
 * name as initiator makes Argo CD apply sync windows to it.
 */
export function withSyncOperation(
  app: Application,
  options: {
    promotion: string;
    actor?: string;
    sources: ApplicationSource[];
  },
): Application {
  const next = structuredClone(app);
  next.metadata.annotations = {
    ...next.metadata.annotations,
    [REFRESH_ANNOTATION]: 'hard',
  };
  if (next.spec.sources?.length) next.spec.sources = options.sources;
  else if (next.spec.source) next.spec.source = options.sources[0];
  const syncPolicy = next.spec.syncPolicy;
  next.operation = {
    initiatedBy: options.actor
      ? { username: options.actor }
      : { username: AUTOMATED_INITIATOR, automated: true },
    info: [
      {
        name: 'Reason',
        value: 'Promotion triggered a sync of this Application resource.',
      },
      { name: PROMOTION_INFO_KEY, value: options.promotion },
    ],
    sync: syncPolicy?.syncOptions
      ? { syncOptions: [...syncPolicy.syncOptions] }
      : {},
    ...(syncPolicy?.retry ? { retry: structuredClone(syncPolicy.retry) } : {}),
  };
  // Argo CD's API server clears the last operation's state when it accepts
  // a new one; writing the object directly we must do it ourselves, or the
  // controller may report the old result (argoproj/argo-cd#20875). An App
  // never reconciled has no status to clear.
  if (next.status) delete next.status.operationState;
  return next;
}

/** "initiated sync to <rev>", like the message Argo CD's API server logs. */
function syncMessage(app: Application): string {
  const sources = app.spec.sources ?? [];
  if (sources.length > 1) return `initiated sync to ${sources.length} sources`;
  const source = sources[0] ?? app.spec.source;
  return source
    ? `initiated sync to ${source.targetRevision ?? ''}`
    : 'initiated sync';
}

/** The `OperationStarted` Event Argo CD's API server records for a sync. */
export function syncStartedEvent(app: Application, now: Date): CoreV1Event {
  const user = AUTOMATED_INITIATOR;
  return {
    metadata: {
      name: `${app.metadata.name}.${(
        BigInt(now.getTime()) * 1_000_000n
      ).toString(16)}`,
      namespace: app.metadata.namespace,
      annotations: { user },
    },
    involvedObject: {
      apiVersion: `${ARGOCD_GROUP}/${ARGOCD_VERSION}`,
      kind: 'Application',
      namespace: app.metadata.namespace,
      name: app.metadata.name,
      uid: app.metadata.uid,
      resourceVersion: app.metadata.resourceVersion,
    },
    source: { component: user },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    message: `${user} ${syncMessage(app)}`,
    type: 'Normal',
    reason: 'OperationStarted',
  };
}

const PHASE_ORDER: OperationPhase[] = [
  'Failed',
  'Error',
  'Running',
  'Terminating',
  'Succeeded',
];

/** The phase that decides a multi-App step: failures, then work in flight. */
export function mostImportantPhase(
  phases: OperationPhase[],
): OperationPhase | undefined {
  return PHASE_ORDER.find(phase => phases.includes(phase));
}
