/*
 * The parts of Argo CD's `argoproj.io/v1alpha1` Application that Kargo reads
 * and writes. Objects travel whole (unstructured): fields not listed here are
 * kept as they are, so a write never drops what Argo CD or a user put there.
 */

export const ARGOCD_GROUP = 'argoproj.io';
export const ARGOCD_VERSION = 'v1alpha1';
export const APPLICATIONS_PLURAL = 'applications';

/** Argo CD's annotation asking its controller for a refresh. */
export const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';

type Open = { [key: string]: unknown };

export type HelmParameter = Open & { name: string; value?: string };

export type ApplicationSource = Open & {
  repoURL: string;
  chart?: string;
  targetRevision?: string;
  helm?: Open & { parameters?: HelmParameter[] };
  kustomize?: Open & { images?: string[] };
};

export type OperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Failed'
  | 'Error'
  | 'Succeeded';

export type Operation = Open & {
  sync?: Open & { revisions?: string[]; syncOptions?: string[] };
  initiatedBy?: { username?: string; automated?: boolean };
  info?: Array<{ name: string; value: string }>;
  retry?: Open;
};

export type OperationState = Open & {
  operation?: Operation;
  phase?: OperationPhase;
  message?: string;
  syncResult?: Open & { revision?: string; revisions?: string[] };
  startedAt?: string;
  finishedAt?: string;
};

export type ApplicationStatus = Open & {
  health?: Open & { status?: string; message?: string };
  sync?: Open & { status?: string; revision?: string; revisions?: string[] };
  reconciledAt?: string;
  conditions?: Array<
    Open & { type: string; message?: string; lastTransitionTime?: string }
  >;
  operationState?: OperationState;
};

export type Application = Open & {
  apiVersion?: string;
  kind?: string;
  metadata: Open & {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Open & {
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    syncPolicy?: Open & { retry?: Open; syncOptions?: string[] };
  };
  operation?: Operation;
  status?: ApplicationStatus;
};

/** `Argo CD Application "x" in namespace "y"`, as Kargo's messages name one. */
export function describeApp(app: { name: string; namespace: string }): string {
  return `Argo CD Application "${app.name}" in namespace "${app.namespace}"`;
}

/** The App's sources: `spec.sources`, else `spec.source` alone, else none. */
export function sourcesOf(app: Application): ApplicationSource[] {
  if (app.spec.sources?.length) return app.spec.sources;
  return app.spec.source ? [app.spec.source] : [];
}

/** Operation phases that mean Argo CD is done with the operation. */
export function isCompleted(phase: OperationPhase | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

export function isFailed(phase: OperationPhase | undefined): boolean {
  return phase === 'Failed' || phase === 'Error';
}

/**
 * Argo CD runs operations and assesses health in separate loops: health
 * read before `reconciledAt` caught up with the operation's `finishedAt`
 * may describe the world before the sync. Equal times are fine (Argo CD
 * reconciles after it sets finishedAt).
 */
export function reconciledSinceLastOperation(app: Application): boolean {
  const finishedAt = app.status?.operationState?.finishedAt;
  if (!finishedAt) return true;
  const reconciledAt = app.status?.reconciledAt;
  return !!reconciledAt && Date.parse(reconciledAt) >= Date.parse(finishedAt);
}

/** The Argo CD conditions Kargo treats as errors in the App's definition. */
export function errorConditions(
  app: Application,
): Array<{ type: string; message?: string }> {
  return (app.status?.conditions ?? []).filter(
    c => c.type === 'ComparisonError' || c.type === 'InvalidSpecError',
  );
}

export function errorConditionMessages(app: Application): string[] {
  return errorConditions(app).map(
    c =>
      `${describeApp(app.metadata)} has "${c.type}" condition: ${
        c.message ?? ''
      }`,
  );
}
