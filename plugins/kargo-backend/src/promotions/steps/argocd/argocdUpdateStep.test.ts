import { tmpdir } from 'node:os';
import type { Application } from '../../../argocd/application';
import {
  CHART_REPO,
  helmMultiSourceApp,
  kustomizeApp,
} from '../../../argocd/__testUtils__/applications';
import {
  argocdConfig,
  connectorFor,
  startFakeArgoCD,
  storeWith,
} from '../../../argocd/__testUtils__/argocdTestSetup';
import type { FakeKubernetesApi } from '../../../argocd/__testUtils__/fakeKubernetesApi';
import { createStepContext } from '../__testUtils__/stepContext';
import { createArgoCDUpdateStep } from './argocdUpdateStep';

const PROMOTION = 'dev.01jabcdefghjkmnpqrstvwxyz0.f0a1b2c';
const COMMIT = '9a8b7c6d5e4f30211203948576a6b5c4d3e2f1a0';

describe('argocd-update against a fake Kubernetes API: authorization and source updates', () => {
  let api: FakeKubernetesApi;

  beforeEach(async () => {
    ({ api } = await startFakeArgoCD());
  });
  afterEach(() => api.stop());

  const run = (config: object, actor?: string) => {
    const step = createArgoCDUpdateStep({
      connector: connectorFor(argocdConfig(api)),
      store: storeWith({ actor }),
    });
    const ctx = createStepContext(tmpdir(), config as any, {
      promotion: PROMOTION,
    });
    return { result: step.run(ctx), logs: ctx.logs };
  };
  const app = (name: string) =>
    api.get<Application>('Application', 'argocd', name)!;
  const writes = () => api.requests.filter(r => r.method !== 'GET');

  it.each([
    [
      'no annotation',
      null,
      'Argo CD Application "kargo-demo-dev" in namespace "argocd" does not permit mutation by Kargo Stage dev in namespace kargo-demo',
    ],
    [
      'an annotation naming other Stages',
      'kargo-demo:prod, other:dev',
      'Argo CD Application "kargo-demo-dev" in namespace "argocd" does not permit mutation by Kargo Stage dev in namespace kargo-demo',
    ],
    [
      'a glob annotation',
      'kargo-demo:*',
      'unable to parse value of annotation "kargo.akuity.io/authorized-stage" ("kargo-demo:*") on Argo CD Application "kargo-demo-dev" in namespace "argocd": invalid authorized Stage "kargo-demo:*": deprecated glob expressions are no longer supported',
    ],
  ])(
    'refuses an Application with %s, and changes nothing',
    async (_, annotation, message) => {
      const before = api.put(kustomizeApp('kargo-demo-dev', annotation));
      await expect(
        run({ apps: [{ name: 'kargo-demo-dev' }] }).result,
      ).rejects.toThrow(message);
      expect(writes()).toEqual([]);
      expect(app('kargo-demo-dev')).toEqual(before);
    },
  );

  it('updates a single-source Kustomize App and requests a sync as the Promotion actor', async () => {
    const before = api.put(kustomizeApp());
    const { result } = run(
      {
        apps: [
          {
            name: 'kargo-demo-dev',
            sources: [
              {
                repoURL: 'https://GitHub.com/example/kargo-demo-gitops/',
                desiredRevision: COMMIT,
                updateTargetRevision: true,
                kustomize: {
                  images: [
                    { repoURL: 'ghcr.io/example/guestbook', tag: 'v1.2.3' },
                    {
                      repoURL: 'ghcr.io/example/sidecar',
                      newName: 'mirror.example.com/sidecar',
                      digest: 'sha256:abc123',
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
      'user:default/ann',
    );
    await expect(result).resolves.toEqual({
      status: 'Running',
      message:
        'waiting for Argo CD Application "kargo-demo-dev" in namespace "argocd" to finish syncing',
      output: { apps: [{ name: 'kargo-demo-dev', namespace: 'argocd' }] },
      retryAfterMs: 1000,
    });
    const after = app('kargo-demo-dev');
    expect(after.spec.source).toEqual({
      ...before.spec.source,
      targetRevision: COMMIT,
      kustomize: {
        commonLabels: { team: 'shop' },
        images: [
          'ghcr.io/example/guestbook:v1.2.3',
          'ghcr.io/example/sidecar=mirror.example.com/sidecar@sha256:abc123',
        ],
      },
    });
    expect(after.metadata.annotations).toEqual({
      ...before.metadata.annotations,
      'argocd.argoproj.io/refresh': 'hard',
    });
    expect(after.metadata.finalizers).toEqual(before.metadata.finalizers);
    expect(after.operation).toEqual({
      initiatedBy: { username: 'user:default/ann' },
      info: [
        {
          name: 'Reason',
          value: 'Promotion triggered a sync of this Application resource.',
        },
        { name: 'kargo.akuity.io/promotion', value: PROMOTION },
      ],
      sync: { syncOptions: ['CreateNamespace=true', 'PruneLast=true'] },
      retry: before.spec.syncPolicy!.retry,
    });
    // The last operation's state is cleared (argo-cd#20875); the rest stays.
    const { operationState, ...rest } = before.status!;
    expect(operationState).toBeDefined();
    expect(after.status).toEqual(rest);
    const [event] = api.list<any>('Event', 'argocd');
    expect(event).toMatchObject({
      reason: 'OperationStarted',
      type: 'Normal',
      message: `kargo-controller initiated sync to ${COMMIT}`,
      involvedObject: { kind: 'Application', name: 'kargo-demo-dev' },
    });
  });

  it('updates a multi-source App: chart version, Helm parameters, and a Git source by normalised URL', async () => {
    const before = api.put(helmMultiSourceApp('kargo-demo-dev'));
    const { result } = run({
      apps: [
        {
          name: 'kargo-demo-dev',
          sources: [
            {
              repoURL: CHART_REPO,
              chart: 'guestbook',
              desiredRevision: '1.2.0',
              updateTargetRevision: true,
              helm: {
                images: [
                  { key: 'image.tag', value: 'v1.2.3' },
                  { key: 'image.repository', value: 'ghcr.io/example/app' },
                ],
              },
            },
            {
              repoURL: 'https://kargo@github.com/example/kargo-demo-gitops.git',
              desiredRevision: COMMIT,
            },
          ],
        },
      ],
    });
    expect((await result).status).toBe('Running');
    const [chart, values] = app('kargo-demo-dev').spec.sources!;
    expect(chart).toEqual({
      ...before.spec.sources![0],
      targetRevision: '1.2.0',
      helm: {
        releaseName: 'guestbook',
        valueFiles: ['$values/env/prod/values.yaml'],
        parameters: [
          { name: 'image.tag', value: 'v1.2.3' },
          { name: 'replicas', value: '3', forceString: true },
          { name: 'image.repository', value: 'ghcr.io/example/app' },
        ],
      },
    });
    // Without updateTargetRevision the Git source keeps following its branch.
    expect(values).toEqual(before.spec.sources![1]);
    expect(app('kargo-demo-dev').operation!.initiatedBy).toEqual({
      username: 'kargo-controller',
      automated: true,
    });
  });

  it('fails without changing anything when an update matches no source of the App', async () => {
    const before = api.put(kustomizeApp());
    await expect(
      run({
        apps: [
          {
            name: 'kargo-demo-dev',
            sources: [
              { repoURL: CHART_REPO, chart: 'other', desiredRevision: '2.0.0' },
            ],
          },
        ],
      }).result,
    ).rejects.toThrow(
      `error building desired sources for Argo CD Application "kargo-demo-dev" in namespace "argocd": no source of Argo CD Application "kargo-demo-dev" in namespace "argocd" matched update for source with repoURL ${CHART_REPO} and chart "other"`,
    );
    expect(app('kargo-demo-dev')).toEqual(before);
  });
});
