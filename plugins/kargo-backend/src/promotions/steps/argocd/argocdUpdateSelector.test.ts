import { tmpdir } from 'node:os';
import type { Application } from '../../../argocd/application';
import {
  GITOPS_REPO,
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

describe('argocd-update against a fake Kubernetes API: Applications selected by label', () => {
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

  const labelled = (name: string, env: string, stage: string) => {
    const a = kustomizeApp(name, stage);
    a.metadata.labels = { env };
    return api.put(a);
  };

  it('updates only the authorized Apps the selector matches, and logs the others', async () => {
    labelled('dev-a', 'dev', 'kargo-demo:dev');
    labelled('dev-b', 'dev', 'kargo-demo:qa');
    labelled('prod-a', 'prod', 'kargo-demo:dev');
    const { result, logs } = run({
      apps: [
        {
          selector: {
            matchLabels: { env: 'dev' },
            matchExpressions: [
              { key: 'env', operator: 'NotIn', values: ['prod'] },
            ],
          },
        },
      ],
    });
    expect((await result).output).toEqual({
      apps: [{ name: 'dev-a', namespace: 'argocd' }],
    });
    expect(app('dev-a').operation).toBeDefined();
    expect(app('dev-b').operation).toBeUndefined();
    expect(app('prod-a').operation).toBeUndefined();
    expect(logs.join('\n')).toContain(
      'skipping unauthorized Application: Argo CD Application "dev-b" in namespace "argocd" does not permit mutation by Kargo Stage dev in namespace kargo-demo',
    );
  });

  it('changes none of them when one has no source the update matches', async () => {
    labelled('dev-a', 'dev', 'kargo-demo:dev');
    const odd = kustomizeApp('dev-b', 'kargo-demo:dev');
    odd.metadata.labels = { env: 'dev' };
    odd.spec.source!.repoURL = 'https://github.com/example/other.git';
    api.put(odd);
    await expect(
      run({
        apps: [
          {
            selector: { matchLabels: { env: 'dev' } },
            sources: [{ repoURL: GITOPS_REPO, desiredRevision: COMMIT }],
          },
        ],
      }).result,
    ).rejects.toThrow(
      /^selected Applications must have compatible sources; 1 incompatible. No Applications were updated:\nArgo CD Application "dev-b"/,
    );
    expect(writes()).toEqual([]);
  });

  it.each([
    [
      { matchLabels: { env: 'qa' } },
      'no Argo CD Applications found matching selector in namespace "argocd"',
    ],
    [
      { matchLabels: { env: 'dev' } },
      'found 1 Application(s) matching selector in namespace "argocd", but none are authorized for Stage kargo-demo:dev',
    ],
  ])(
    'fails when %j selects nothing it may change',
    async (selector, message) => {
      labelled('dev-b', 'dev', 'kargo-demo:qa');
      await expect(run({ apps: [{ selector }] }).result).rejects.toThrow(
        message,
      );
      expect(writes()).toEqual([]);
    },
  );
});
