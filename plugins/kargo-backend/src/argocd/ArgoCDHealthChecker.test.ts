import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import type { Application } from './application';
import {
  helmMultiSourceApp,
  kustomizeApp,
  OLD_COMMIT,
} from './__testUtils__/applications';
import { argocdConfig, startFakeArgoCD } from './__testUtils__/argocdTestSetup';
import type { FakeArgoCDController } from './__testUtils__/fakeArgoCDController';
import type { FakeKubernetesApi } from './__testUtils__/fakeKubernetesApi';
import { createBuiltinHealthCheckers } from '.';

const WHO = (name: string) =>
  `Argo CD Application "${name}" in namespace "argocd"`;

describe('argocd-update health checker against a fake Kubernetes API', () => {
  let api: FakeKubernetesApi;
  let controller: FakeArgoCDController;

  beforeEach(async () => {
    ({ api, controller } = await startFakeArgoCD());
  });
  afterEach(() => api.stop());

  const check = (config: JsonObject, argocd = argocdConfig(api)) => {
    const [checker] = createBuiltinHealthCheckers({
      config: new ConfigReader({ kargo: { argocd } }),
    });
    expect(checker.name).toBe('argocd-update');
    return checker.check({
      project: 'kargo-demo',
      stage: 'dev',
      config,
      signal: new AbortController().signal,
    });
  };
  const apps = (...entries: Array<[string, string[]?]>) => ({
    apps: entries.map(([name, desiredRevisions]) => ({
      name,
      namespace: 'argocd',
      ...(desiredRevisions ? { desiredRevisions } : {}),
    })),
  });
  const withStatus = (name: string, change: (app: Application) => void) => {
    const app = kustomizeApp(name);
    change(app);
    return api.put(app);
  };

  it('is Healthy for a Healthy App synced to the desired revision, and shows its status', async () => {
    withStatus('a', () => {});
    const result = await check(apps(['a', [OLD_COMMIT]]));
    expect(result.status).toBe('Healthy');
    expect(result.issues).toBeUndefined();
    const [status] = (result.output as any).applicationStatuses;
    expect(status).toMatchObject({
      Namespace: 'argocd',
      Name: 'a',
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: OLD_COMMIT },
    });
    // Re-stamped on every refresh: left out so an unchanged App reads the same.
    expect(status.reconciledAt).toBeUndefined();
  });

  it.each<[string, string, (app: Application) => void, string]>([
    [
      'a ComparisonError condition',
      'Unhealthy',
      app => {
        app.status!.conditions = [
          {
            type: 'ComparisonError',
            message: 'rpc error: repository not found',
            lastTransitionTime: '2026-11-20T10:00:05Z',
          },
        ];
      },
      `${WHO(
        'a',
      )} has "ComparisonError" condition: rpc error: repository not found`,
    ],
    [
      'another revision synced than desired',
      'Unhealthy',
      app => {
        app.status!.sync!.revision = 'abc';
      },
      `Not all sources of Application "a" in namespace "argocd" are synced to the desired revisions. Issues: Source 0 with RepoURL https://github.com/example/kargo-demo-gitops.git of Application "a" in namespace "argocd" does not match the desired revision "${OLD_COMMIT}".`,
    ],
    [
      'health Progressing',
      'Progressing',
      app => (app.status!.health = { status: 'Progressing' }),
      `${WHO('a')} is progressing`,
    ],
    [
      'health Suspended',
      'Progressing',
      app => (app.status!.health = { status: 'Suspended' }),
      `${WHO('a')} is suspended`,
    ],
    [
      'health Degraded',
      'Unhealthy',
      app => (app.status!.health = { status: 'Degraded' }),
      `${WHO('a')} has health state "Degraded"`,
    ],
    [
      'health Missing',
      'Unhealthy',
      app => (app.status!.health = { status: 'Missing' }),
      `${WHO('a')} has health state "Missing"`,
    ],
    [
      'a sync in progress',
      'Unknown',
      app => {
        app.operation = { sync: {}, initiatedBy: { username: 'alice' } };
      },
      `${WHO('a')} is being synced`,
    ],
    [
      'health assessed before its last operation finished',
      'Unknown',
      app => {
        app.status!.reconciledAt = '2026-11-20T10:00:03Z';
      },
      `${WHO(
        'a',
      )} was not reconciled after its most recent operation completed; Application health status not trusted`,
    ],
  ])('judges an App with %s: %s', async (_, status, change, issue) => {
    withStatus('a', change);
    const result = await check(apps(['a', [OLD_COMMIT]]));
    expect(result).toMatchObject({ status, issues: [issue] });
  });

  it('is Unknown for an App that does not exist', async () => {
    expect(await check(apps(['gone', ['abc']]))).toMatchObject({
      status: 'Unknown',
      issues: [`unable to find ${WHO('gone')}`],
      output: {
        applicationStatuses: [
          { Namespace: 'argocd', Name: 'gone', health: { status: 'Unknown' } },
        ],
      },
    });
  });

  it('asks Argo CD for a hard refresh when its status predates the last operation, and trusts it once reconciled', async () => {
    withStatus('a', app => (app.status!.reconciledAt = '2026-11-20T10:00:00Z'));
    expect((await check(apps(['a', [OLD_COMMIT]]))).status).toBe('Unknown');
    const patch = api.requests.find(r => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/merge-patch+json');
    expect(
      api.get<Application>('Application', 'argocd', 'a')!.metadata.annotations,
    ).toMatchObject({ 'argocd.argoproj.io/refresh': 'hard' });
    controller.reconcile();
    expect((await check(apps(['a', [OLD_COMMIT]]))).status).toBe('Healthy');
  });

  it('ignores revisions for sources without a desired one (multi-source)', async () => {
    api.put(helmMultiSourceApp('m'));
    expect((await check(apps(['m', ['1.0.0', '']]))).status).toBe('Healthy');
    expect((await check(apps(['m', ['1.0.0', 'abc']]))).status).toBe(
      'Unhealthy',
    );
    expect((await check(apps(['m']))).status).toBe('Healthy');
  });

  it('gives the Stage the worst state of its Apps', async () => {
    withStatus('ok', () => {});
    withStatus('slow', app => (app.status!.health = { status: 'Progressing' }));
    withStatus('bad', app => (app.status!.health = { status: 'Degraded' }));
    expect((await check(apps(['ok'], ['slow']))).status).toBe('Progressing');
    expect((await check(apps(['slow'], ['gone']))).status).toBe('Unknown');
    const worst = await check(apps(['ok'], ['bad'], ['slow'], ['gone']));
    expect(worst.status).toBe('Unhealthy');
    expect(worst.issues).toHaveLength(3);
  });

  it('is Unknown, saying why, when the integration is off or the input is not its own', async () => {
    withStatus('a', () => {});
    expect(await check(apps(['a']), {})).toMatchObject({
      status: 'Unknown',
      issues: [expect.stringContaining('Argo CD integration is disabled')],
    });
    expect(await check({ apps: 'a' })).toMatchObject({
      status: 'Unknown',
      issues: [
        expect.stringContaining(
          'could not convert opaque input into argocd-update health check input',
        ),
      ],
    });
  });

  it('asks the instance of the shard the step recorded', async () => {
    const { api: eu } = await startFakeArgoCD();
    try {
      const app = kustomizeApp('a');
      app.status!.health = { status: 'Progressing' };
      eu.put(app);
      withStatus('a', () => {});
      const argocd = {
        instances: [
          ...(argocdConfig(api).instances as JsonObject[]),
          { ...(argocdConfig(eu).instances as JsonObject[])[0], shard: 'eu' },
        ],
      };
      expect(
        (await check({ ...apps(['a']), shard: 'eu' }, argocd)).status,
      ).toBe('Progressing');
      expect((await check(apps(['a']), argocd)).status).toBe('Healthy');
    } finally {
      await eu.stop();
    }
  });
});
