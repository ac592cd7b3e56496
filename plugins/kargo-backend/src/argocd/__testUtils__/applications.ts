import type { Application, OperationState } from '../application';

/*
 * Argo CD Applications as `kubectl get application -o yaml` shows them on
 * a live Argo CD 2.x: spec, finalizers, and a status after an earlier sync
 * by a person, with resources, history and summary that the steps must
 * carry through untouched.
 */

export const GITOPS_REPO = 'https://github.com/example/kargo-demo-gitops.git';
export const CHART_REPO = 'https://charts.example.com';
export const OLD_COMMIT = '1f2e3d4c5b6a79880716253443526170f0e1d2c3';

const earlierSync = (revision: Record<string, unknown>): OperationState => ({
  operation: {
    initiatedBy: { username: 'admin' },
    sync: { ...revision, syncStrategy: { hook: {} } },
    retry: {},
  },
  phase: 'Succeeded',
  message: 'successfully synced (all tasks run)',
  startedAt: '2026-11-20T10:00:00Z',
  finishedAt: '2026-11-20T10:00:04Z',
  syncResult: { ...revision, resources: [] },
});

/** A single-source Kustomize App, authorized for `authorizedStage` (null: no annotation). */
export function kustomizeApp(
  name = 'kargo-demo-dev',
  authorizedStage: string | null = 'kargo-demo:dev',
): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      labels: { 'app.kubernetes.io/part-of': 'kargo-demo', env: 'dev' },
      annotations: {
        ...(authorizedStage !== null
          ? { 'kargo.akuity.io/authorized-stage': authorizedStage }
          : {}),
        'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'deploys',
      },
    },
    spec: {
      project: 'default',
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'kargo-demo-dev',
      },
      source: {
        repoURL: GITOPS_REPO,
        targetRevision: 'stage/dev',
        path: 'env/dev',
        kustomize: {
          images: ['ghcr.io/example/guestbook:v1.0.0'],
          commonLabels: { team: 'shop' },
        },
      },
      syncPolicy: {
        syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
        retry: {
          limit: 5,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        },
      },
    },
    status: {
      sourceType: 'Kustomize',
      health: { status: 'Healthy' },
      sync: {
        status: 'Synced',
        revision: OLD_COMMIT,
        comparedTo: {
          source: { repoURL: GITOPS_REPO, path: 'env/dev' },
          destination: { server: 'https://kubernetes.default.svc' },
        },
      },
      reconciledAt: '2026-11-20T10:00:05Z',
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'kargo-demo-dev',
          name: 'guestbook',
          status: 'Synced',
          health: { status: 'Healthy' },
        },
      ],
      history: [
        {
          id: 0,
          revision: OLD_COMMIT,
          deployedAt: '2026-11-20T10:00:04Z',
          source: { repoURL: GITOPS_REPO, path: 'env/dev' },
        },
      ],
      summary: { images: ['ghcr.io/example/guestbook:v1.0.0'] },
      operationState: earlierSync({ revision: OLD_COMMIT }),
    },
  };
}

/**
 * A multi-source App: a Helm chart from a chart repository whose values
 * come from a second, Git source (`ref: values`).
 */
export function helmMultiSourceApp(
  name = 'kargo-demo-prod',
  authorizedStage = 'kargo-demo:prod , kargo-demo:dev',
): Application {
  const app = kustomizeApp(name, authorizedStage);
  delete app.spec.source;
  app.spec.sources = [
    {
      repoURL: CHART_REPO,
      chart: 'guestbook',
      targetRevision: '1.0.0',
      helm: {
        releaseName: 'guestbook',
        valueFiles: ['$values/env/prod/values.yaml'],
        parameters: [
          { name: 'image.tag', value: 'v1.0.0' },
          { name: 'replicas', value: '3', forceString: true },
        ],
      },
    },
    { repoURL: GITOPS_REPO, targetRevision: 'main', ref: 'values' },
  ];
  app.status = {
    ...app.status,
    sourceType: 'Helm',
    sync: { status: 'Synced', revisions: ['1.0.0', OLD_COMMIT] },
    operationState: earlierSync({ revisions: ['1.0.0', OLD_COMMIT] }),
  };
  return app;
}
