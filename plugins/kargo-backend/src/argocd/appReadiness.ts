import {
  describeApp,
  errorConditionMessages,
  reconciledSinceLastOperation,
  type Application,
} from './application';

/** What `argocd-wait` can wait for (Kargo's `waitFor` values). */
export type WaitFor =
  | 'health'
  | 'sync'
  | 'operation'
  | 'suspended'
  | 'degraded';

/** `argocd app wait`'s default, which Kargo follows. */
export const DEFAULT_WAIT_FOR: WaitFor[] = ['health', 'sync', 'operation'];

export type Readiness =
  | { ready: true }
  | { ready: false; waiting: string; refresh?: boolean }
  /** Waiting cannot succeed: the step must fail now. */
  | { ready: false; fatal: string };

function operationInProgress(app: Application): boolean {
  if (app.operation) return true;
  const state = app.status?.operationState;
  return !!state && !state.finishedAt;
}

/**
 * Whether one App meets `waitFor`, by Kargo's argocd-wait rules: error
 * conditions fail at once; `operation` waits for no operation in flight;
 * the health values (health, suspended, degraded) are ORed and only
 * trusted once Argo CD reconciled after the last operation; `sync` wants
 * Synced. Waiting for `health`, an App that turns Degraded from a known,
 * non-Degraded state fails the step rather than hanging until timeout.
 */
export function checkReadiness(
  app: Application,
  waitFor: WaitFor[],
  previousHealth: string | undefined,
): Readiness {
  const who = describeApp(app.metadata);
  const conditions = errorConditionMessages(app);
  if (conditions.length) return { ready: false, fatal: conditions.join('\n') };

  if (waitFor.includes('operation') && operationInProgress(app)) {
    return { ready: false, waiting: `${who}: an operation is in progress` };
  }

  const wanted = (['health', 'suspended', 'degraded'] as const).filter(w =>
    waitFor.includes(w),
  );
  const health = app.status?.health?.status ?? '';
  if (wanted.length) {
    if (!reconciledSinceLastOperation(app)) {
      return {
        ready: false,
        waiting: `${who} was not reconciled after its last operation; health status not trusted yet`,
        refresh: true,
      };
    }
    if (
      waitFor.includes('health') &&
      health === 'Degraded' &&
      previousHealth &&
      previousHealth !== 'Degraded' &&
      previousHealth !== 'Unknown'
    ) {
      return {
        ready: false,
        fatal: `${who} health has regressed from ${previousHealth} to ${health}`,
      };
    }
    const expected = {
      health: 'Healthy',
      suspended: 'Suspended',
      degraded: 'Degraded',
    };
    if (!wanted.some(w => expected[w] === health)) {
      return {
        ready: false,
        waiting: `${who} has health "${
          health || 'Unknown'
        }" (waiting for ${wanted.map(w => expected[w]).join(' or ')})`,
      };
    }
  }

  const sync = app.status?.sync?.status ?? '';
  if (waitFor.includes('sync') && sync !== 'Synced') {
    return {
      ready: false,
      waiting: `${who} is ${sync || 'Unknown'} (waiting for Synced)`,
    };
  }
  return { ready: true };
}
