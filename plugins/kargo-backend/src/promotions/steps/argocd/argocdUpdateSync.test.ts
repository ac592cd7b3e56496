import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { tmpdir } from 'node:os';
import type { Application } from '../../../argocd/application';
import {
  CHART_REPO,
  GITOPS_REPO,
  helmMultiSourceApp,
  kustomizeApp,
} from '../../../argocd/__testUtils__/applications';
import {
  argocdConfig,
  connectorFor,
  startFakeArgoCD,
  storeWith,
} from '../../../argocd/__testUtils__/argocdTestSetup';
import type { FakeArgoCDController } from '../../../argocd/__testUtils__/fakeArgoCDController';
import type { FakeKubernetesApi } from '../../../argocd/__testUtils__/fakeKubernetesApi';
import { createStepContext } from '../__testUtils__/stepContext';
import { createArgoCDUpdateStep } from './argocdUpdateStep';

const PROMOTION = 'dev.01jabcdefghjkmnpqrstvwxyz0.f0a1b2c';
const COMMIT = '9a8b7c6d5e4f30211203948576a6b5c4d3e2f1a0';
const WHO = 'Argo CD Application "kargo-demo-dev" in namespace "argocd"';

describe('argocd-update against a fake Kubernetes API: the sync operation', () => {
  let api: FakeKubernetesApi;
  let controller: FakeArgoCDController;

  beforeEach(async () => {
    ({ api, controller } = await startFakeArgoCD());
    api.put(kustomizeApp());
  });
  afterEach(() => api.stop());

  const config = {
    apps: [
      {
        name: 'kargo-demo-dev',
        sources: [
          {
            repoURL: GITOPS_REPO,
            desiredRevision: COMMIT,
            updateTargetRevision: true,
          },
        ],
      },
    ],
  };
  const run = (promotion = PROMOTION) => {
    const ctx = createStepContext(tmpdir(), config, { promotion });
    const step = createArgoCDUpdateStep({
      connector: connectorFor(argocdConfig(api)),
      store: storeWith(),
    });
    return step.run(ctx).then(result => ({ ...result, logs: ctx.logs }));
  };
  const app = () =>
    api.get<Application>('Application', 'argocd', 'kargo-demo-dev')!;
  const puts = () => api.requests.filter(r => r.method === 'PUT').length;

  it('stays Running until Argo CD finishes the sync, then Succeeds and registers the health check', async () => {
    controller.behave('argocd', 'kargo-demo-dev', { hold: true });
    expect((await run()).status).toBe('Running');
    // Asked again before Argo CD picked it up: no second request.
    expect((await run()).status).toBe('Running');
    controller.reconcile();
    expect(app().status!.operationState!.phase).toBe('Running');
    expect((await run()).status).toBe('Running');
    expect(puts()).toBe(1);

    controller.behave('argocd', 'kargo-demo-dev', {});
    controller.reconcile();
    expect(app().operation).toBeUndefined();
    const done = await run();
    expect(done).toMatchObject({
      status: 'Succeeded',
      output: { apps: [{ name: 'kargo-demo-dev', namespace: 'argocd' }] },
      healthCheck: {
        uses: 'argocd-update',
        config: {
          apps: [
            {
              name: 'kargo-demo-dev',
              namespace: 'argocd',
              desiredRevisions: [COMMIT],
            },
          ],
        },
      },
    });
    expect(puts()).toBe(1);
  });

  it("fails with Argo CD's message when the sync fails", async () => {
    await run();
    controller.behave('argocd', 'kargo-demo-dev', {
      outcome: 'Failed',
      message: 'one or more synchronization tasks completed unsuccessfully',
    });
    controller.reconcile();
    const error = await run().catch(e => e);
    expect(error).toBeInstanceOf(TerminalStepError);
    expect(error.message).toBe(
      `${WHO} failed with: one or more synchronization tasks completed unsuccessfully`,
    );
  });

  it('waits while an operation someone else started runs, then starts its own', async () => {
    controller.behave('argocd', 'kargo-demo-dev', { hold: true });
    controller.startForeignOperation('argocd', 'kargo-demo-dev', 'alice');
    const waiting = await run();
    expect(waiting.status).toBe('Running');
    expect(waiting.logs).toContain(
      `${WHO}: current operation was initiated by "alice": waiting for operation to complete`,
    );
    expect(puts()).toBe(0);
    expect(app().status!.operationState!.operation!.initiatedBy).toEqual({
      username: 'alice',
    });

    controller.behave('argocd', 'kargo-demo-dev', {});
    controller.reconcile(); // alice's sync ends
    expect((await run()).status).toBe('Running');
    expect(puts()).toBe(1);
    controller.reconcile();
    expect((await run()).status).toBe('Succeeded');
  });

  it('waits for the sync of an earlier Promotion before starting its own', async () => {
    controller.behave('argocd', 'kargo-demo-dev', { hold: true });
    await run('dev.01jearlierpromotion00000.f0a1b2c');
    controller.reconcile();
    const waiting = await run();
    expect(waiting.status).toBe('Running');
    expect(waiting.logs.join('\n')).toContain(
      `current operation was not initiated for Promotion ${PROMOTION}: waiting for operation to complete`,
    );
    expect(puts()).toBe(1);
  });

  it('syncs again when Argo CD synced another revision than desired', async () => {
    await run();
    controller.behave('argocd', 'kargo-demo-dev', { revisions: ['0000000'] });
    controller.reconcile();
    const again = await run();
    expect(again.status).toBe('Running');
    expect(again.logs.join('\n')).toContain(
      `sync result revisions [0000000] do not match desired revisions [${COMMIT}]`,
    );
    expect(puts()).toBe(2);
    controller.behave('argocd', 'kargo-demo-dev', {});
    controller.reconcile();
    expect((await run()).status).toBe('Succeeded');
  });

  it('re-reads and retries when the Application changed between its read and its write (409)', async () => {
    api.beforeNext('PUT', () => {
      const touched = app();
      touched.metadata.labels = { ...touched.metadata.labels, touched: 'yes' };
      api.put(touched);
    });
    expect((await run()).status).toBe('Running');
    expect(puts()).toBe(2);
    expect(app().metadata.labels).toMatchObject({ touched: 'yes' });
    expect(app().spec.source!.targetRevision).toBe(COMMIT);
  });

  it('records the per-source revisions of a multi-source App in its health check', async () => {
    api.put(helmMultiSourceApp('kargo-demo-dev'));
    const ctx = createStepContext(
      tmpdir(),
      {
        apps: [
          {
            name: 'kargo-demo-dev',
            sources: [
              {
                repoURL: CHART_REPO,
                chart: 'guestbook',
                desiredRevision: '1.2.0',
                updateTargetRevision: true,
              },
            ],
          },
        ],
      },
      { promotion: PROMOTION },
    );
    const step = createArgoCDUpdateStep({
      connector: connectorFor(argocdConfig(api)),
      store: storeWith(),
    });
    await step.run(ctx);
    controller.reconcile();
    expect(app().status!.sync!.revisions).toEqual(['1.2.0', 'main']);
    expect((await step.run(ctx)).healthCheck!.config).toEqual({
      apps: [
        {
          name: 'kargo-demo-dev',
          namespace: 'argocd',
          desiredRevisions: ['1.2.0', ''],
        },
      ],
    });
  });
});
