import type { JsonObject } from '@backstage/types';
import type { StageHealthStatus } from '@kargo-backstage/plugin-kargo-node';
import {
  describeApp,
  errorConditionMessages,
  reconciledSinceLastOperation,
  sourcesOf,
  type Application,
  type ApplicationStatus,
} from './application';

const ORDER: StageHealthStatus[] = [
  'Healthy',
  'NotApplicable',
  'Progressing',
  'Unknown',
  'Unhealthy',
];

/** The worse of two states (Healthy < NotApplicable < Progressing < Unknown < Unhealthy). */
export function worseOf(
  a: StageHealthStatus,
  b: StageHealthStatus,
): StageHealthStatus {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

export type AppAssessment = {
  status: StageHealthStatus;
  issues: string[];
  /**
   * The App's status for the Stage to show, keyed `Namespace` and `Name`
   * as Kargo's (untagged Go fields) are, without the fields Argo CD
   * re-stamps on every refresh so an unchanged App reads the same.
   */
  appStatus: JsonObject;
  /** Argo CD should be asked for a hard refresh (its status is stale). */
  refresh: boolean;
};

function sanitized(status: ApplicationStatus | undefined): JsonObject {
  const copy = structuredClone(status ?? {}) as ApplicationStatus;
  delete copy.reconciledAt;
  for (const condition of copy.conditions ?? []) {
    delete condition.lastTransitionTime;
  }
  return copy as JsonObject;
}

function syncHealth(
  app: Application,
  revisions: string[],
): { status: StageHealthStatus; issue?: string } | undefined {
  if (!revisions.some(Boolean)) return undefined;
  const state = app.status?.operationState;
  if (app.operation?.sync || !state?.finishedAt) {
    return {
      status: 'Unknown',
      issue: `${describeApp(app.metadata)} is being synced`,
    };
  }
  const sources = sourcesOf(app);
  if (sources.length !== revisions.length) {
    return {
      status: 'Unknown',
      issue: `${describeApp(app.metadata)} has ${sources.length} sources but ${
        revisions.length
      } desired revisions`,
    };
  }
  const sync = app.status?.sync;
  const observed = sync?.revisions?.length
    ? sync.revisions
    : [sync?.revision ?? ''];
  if (observed.length !== revisions.length) {
    return {
      status: 'Unknown',
      issue: `${describeApp(app.metadata)} has ${
        observed.length
      } observed revisions but ${revisions.length} desired revisions`,
    };
  }
  const { name, namespace } = app.metadata;
  const problems = revisions.flatMap((desired, i) =>
    desired && observed[i] !== desired
      ? [
          `Source ${i} with RepoURL ${sources[i].repoURL} of Application "${name}" in namespace "${namespace}" does not match the desired revision "${desired}".`,
        ]
      : [],
  );
  if (!problems.length) return undefined;
  return {
    status: 'Unhealthy',
    issue: `Not all sources of Application "${name}" in namespace "${namespace}" are synced to the desired revisions. Issues: ${problems.join(
      '; ',
    )}`,
  };
}

function appHealth(app: Application): {
  status: StageHealthStatus;
  issue?: string;
} {
  const health = app.status?.health?.status ?? '';
  const who = describeApp(app.metadata);
  switch (health) {
    case 'Healthy':
      return { status: 'Healthy' };
    case 'Progressing':
    case '':
      return { status: 'Progressing', issue: `${who} is progressing` };
    case 'Suspended':
      // Kargo counts a suspended App as still on its way (akuity/kargo#2216).
      return { status: 'Progressing', issue: `${who} is suspended` };
    default:
      return {
        status: 'Unhealthy',
        issue: `${who} has health state "${health}"`,
      };
  }
}

/**
 * One App's part in the Stage's health, by Kargo's rules, in Kargo's
 * order: missing ⇒ Unknown; status older than the last operation ⇒
 * Unknown (and refresh); error conditions ⇒ Unhealthy; then sync (a wrong
 * revision is caught before stale health can look good); then health.
 */
export function assessApp(
  key: { name: string; namespace: string },
  app: Application | undefined,
  revisions: string[],
): AppAssessment {
  const base = { Namespace: key.namespace, Name: key.name };
  if (!app) {
    return {
      status: 'Unknown',
      issues: [`unable to find ${describeApp(key)}`],
      appStatus: {
        ...base,
        health: { status: 'Unknown' },
        sync: { status: 'Unknown' },
      },
      refresh: false,
    };
  }
  const appStatus = { ...base, ...sanitized(app.status) };
  const result = (
    status: StageHealthStatus,
    issues: string[],
    refresh = false,
  ) => ({
    status,
    issues,
    appStatus,
    refresh,
  });
  if (!reconciledSinceLastOperation(app)) {
    return result(
      'Unknown',
      [
        `${describeApp(
          key,
        )} was not reconciled after its most recent operation completed; Application health status not trusted`,
      ],
      true,
    );
  }
  const conditions = errorConditionMessages(app);
  if (conditions.length) return result('Unhealthy', conditions);
  const sync = syncHealth(app, revisions);
  if (sync) return result(sync.status, sync.issue ? [sync.issue] : []);
  const health = appHealth(app);
  return result(health.status, health.issue ? [health.issue] : []);
}
