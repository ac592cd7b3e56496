import type { JsonObject } from '@backstage/types';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { tmpdir } from 'node:os';
import type { Application } from '../../../argocd/application';
import { kustomizeApp } from '../../../argocd/__testUtils__/applications';
import {
  argocdConfig,
  connectorFor,
  startFakeArgoCD,
  storeWith,
} from '../../../argocd/__testUtils__/argocdTestSetup';
import type { FakeArgoCDController } from '../../../argocd/__testUtils__/fakeArgoCDController';
import type { FakeKubernetesApi } from '../../../argocd/__testUtils__/fakeKubernetesApi';
import { createStepContext } from '../__testUtils__/stepContext';
import { createArgoCDWaitStep } from './argocdWaitStep';

const WHO = 'Argo CD Application "guestbook" in namespace "argocd"';

describe('argocd-wait against a fake Kubernetes API', () => {
  let api: FakeKubernetesApi;
  let controller: FakeArgoCDController;

  beforeEach(async () => {
    ({ api, controller } = await startFakeArgoCD());
  });
  afterEach(() => api.stop());

  // Not annotated for any Stage: argocd-wait changes nothing, needs no consent.
  const put = (change: (app: Application) => void = () => {}) => {
    const app = kustomizeApp('guestbook', null);
    change(app);
    return api.put(app);
  };
  const setHealth = (status: string) => {
    const app = api.get<Application>('Application', 'argocd', 'guestbook')!;
    app.status!.health = { status };
    api.put(app);
  };
  const run = (
    apps: JsonObject[] = [{ name: 'guestbook' }],
    previousOutput?: JsonObject,
  ) => {
    const step = createArgoCDWaitStep({
      connector: connectorFor(argocdConfig(api)),
      store: storeWith(),
    });
    return step.run(createStepContext(tmpdir(), { apps }, { previousOutput }));
  };

  it('Succeeds at once for a Healthy, Synced App with no operation, changing nothing', async () => {
    put();
    expect(await run()).toEqual({
      status: 'Succeeded',
      output: {
        apps: [{ name: 'guestbook', namespace: 'argocd' }],
        healthStatus: { 'argocd/guestbook': 'Healthy' },
      },
    });
    expect(api.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });

  it('keeps Running while the App is Progressing, OutOfSync or syncing', async () => {
    put(app => (app.status!.health = { status: 'Progressing' }));
    const progressing = await run();
    expect(progressing).toMatchObject({
      status: 'Running',
      retryAfterMs: 1000,
      message: `waiting: ${WHO} has health "Progressing" (waiting for Healthy)`,
    });
    setHealth('Healthy');
    const app = api.get<Application>('Application', 'argocd', 'guestbook')!;
    app.status!.sync!.status = 'OutOfSync';
    api.put(app);
    expect((await run()).message).toBe(
      `waiting: ${WHO} is OutOfSync (waiting for Synced)`,
    );
    controller.behave('argocd', 'guestbook', { hold: true });
    controller.startForeignOperation('argocd', 'guestbook', 'argocd-auto-sync');
    expect((await run()).message).toBe(
      `waiting: ${WHO}: an operation is in progress`,
    );
    controller.behave('argocd', 'guestbook', {});
    controller.reconcile();
    expect((await run()).status).toBe('Succeeded');
  });

  it('fails fast when the App regresses to Degraded while waited for', async () => {
    put(app => (app.status!.health = { status: 'Progressing' }));
    const first = await run();
    setHealth('Degraded');
    const error = await run(undefined, first.output).catch(e => e);
    expect(error).toBeInstanceOf(TerminalStepError);
    expect(error.message).toBe(
      `${WHO} health has regressed from Progressing to Degraded`,
    );
  });

  it('keeps waiting on an App that was Degraded from the start', async () => {
    put(app => (app.status!.health = { status: 'Degraded' }));
    const first = await run();
    expect(first.status).toBe('Running');
    expect((await run(undefined, first.output)).status).toBe('Running');
  });

  it('waits for what waitFor names: a Suspended App, or only the operation', async () => {
    put(app => (app.status!.health = { status: 'Suspended' }));
    expect(
      (await run([{ name: 'guestbook', waitFor: ['suspended'] }])).status,
    ).toBe('Succeeded');
    expect(
      (await run([{ name: 'guestbook', waitFor: ['operation'] }])).status,
    ).toBe('Succeeded');
    expect((await run()).status).toBe('Running');
  });

  it('distrusts health read before the last operation finished and asks for a hard refresh', async () => {
    put(app => (app.status!.reconciledAt = '2026-11-20T10:00:01Z'));
    const waiting = await run();
    expect(waiting.message).toContain(
      'was not reconciled after its last operation',
    );
    expect(
      api.get<Application>('Application', 'argocd', 'guestbook')!.metadata
        .annotations!['argocd.argoproj.io/refresh'],
    ).toBe('hard');
    controller.reconcile();
    expect((await run()).status).toBe('Succeeded');
  });

  it('fails at once on an App with an InvalidSpecError', async () => {
    put(app => {
      app.status!.conditions = [
        {
          type: 'InvalidSpecError',
          message: 'application destination is invalid',
        },
      ];
    });
    await expect(run()).rejects.toThrow(
      `${WHO} has "InvalidSpecError" condition: application destination is invalid`,
    );
  });

  it('waits for every App a selector matches', async () => {
    put(app => (app.metadata.labels = { tier: 'web' }));
    const other = kustomizeApp('guestbook-api', null);
    other.metadata.labels = { tier: 'web' };
    other.status!.health = { status: 'Progressing' };
    api.put(other);
    const result = await run([{ selector: { matchLabels: { tier: 'web' } } }]);
    expect(result.status).toBe('Running');
    expect(result.output!.apps).toHaveLength(2);
    await expect(
      run([
        {
          selector: {
            matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }],
          },
        },
      ]),
    ).rejects.toThrow(
      'no Argo CD Applications found matching selector in namespace "argocd"',
    );
  });
});
