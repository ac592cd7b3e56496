import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { ApplicationStageIndex, type StageRef } from './ApplicationStageIndex';
import { ApplicationWatches } from './ApplicationWatches';
import { ArgoCDSettings } from './argocdSettings';
import { kustomizeApp } from './__testUtils__/applications';
import { argocdConfig, startFakeArgoCD } from './__testUtils__/argocdTestSetup';
import type { FakeKubernetesApi } from './__testUtils__/fakeKubernetesApi';
import { createBuiltinHealthCheckers } from '.';

const DEV = { project: 'kargo-demo', name: 'dev' };
const STAGING = { project: 'kargo-demo', name: 'staging' };

/** Polls `predicate` every 10 ms for at most `ms` (the watch is far faster). */
let touched: StageRef[][];
async function eventually(predicate: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out: touched ${JSON.stringify(touched)}`);
    }
    await new Promise(r => setTimeout(r, 10));
  }
}

describe('Argo CD Application watches against the in-process fake Kubernetes API', () => {
  let api: FakeKubernetesApi;
  let watches: ApplicationWatches | undefined;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeEach(async () => {
    ({ api } = await startFakeArgoCD());
    api.put(kustomizeApp('guestbook-dev'));
    api.put(kustomizeApp('guestbook-staging'));
    api.put(kustomizeApp('unrelated'));
    touched = [];
    logger = mockServices.logger.mock();
  });
  afterEach(async () => {
    watches?.stop();
    await api.stop();
  });

  /** The real health checker feeding the index, as in the plugin. */
  async function start(argocd: JsonObject = argocdConfig(api)) {
    const config = new ConfigReader({ kargo: { argocd } });
    const index = new ApplicationStageIndex();
    watches = new ApplicationWatches({
      settings: ArgoCDSettings.fromConfig(config),
      index,
      touch: async stages => void touched.push(stages),
      logger,
    });
    const [checker] = createBuiltinHealthCheckers({ config, index });
    const check = (stage: StageRef, app: string) =>
      checker.check({
        project: stage.project,
        stage: stage.name,
        config: { apps: [{ name: app, namespace: 'argocd' }] },
        signal: new AbortController().signal,
      });
    return { check };
  }

  const changeHealth = (name: string, health: string) => {
    const app = api.get<any>('Application', 'argocd', name);
    app.status.health = { status: health };
    api.put(app);
  };
  const flat = () => touched.flat().map(s => s.name);

  it('makes exactly the Stages that read an Application due when it changes', async () => {
    const { check } = await start();
    await check(DEV, 'guestbook-dev');
    await check(STAGING, 'guestbook-staging');
    await eventually(() => api.openWatches === 1);
    // The fresh list at connect time touches what is known by then (the
    // checks just read those Applications anyway); start from there.
    await eventually(() => flat().includes('dev'));
    await new Promise(r => setTimeout(r, 50));
    touched = [];

    changeHealth('unrelated', 'Degraded');
    changeHealth('guestbook-dev', 'Degraded');
    await eventually(() => touched.length > 0);
    await new Promise(r => setTimeout(r, 100));
    expect(flat()).toEqual(['dev']);
    touched = [];
    changeHealth('guestbook-staging', 'Degraded');
    await eventually(() => touched.length > 0);
    expect(flat()).toEqual(['staging']);
    // One watch serves every Application of the namespace.
    expect(api.openWatches).toBe(1);
  });

  it('resumes after the server ends the watch, missing no change made meanwhile', async () => {
    const { check } = await start();
    await check(DEV, 'guestbook-dev');
    await eventually(() => flat().length === 1);
    touched = [];

    api.closeWatches();
    changeHealth('guestbook-dev', 'Progressing');
    await eventually(() => flat().includes('dev'));
    await eventually(() => api.openWatches === 1);
    const resumed = api.requests.filter(r => r.query.includes('watch=true'));
    expect(resumed.at(-1)!.query).toMatch(/resourceVersion=\d+/);
  });

  it('starts over from a fresh list when its resourceVersion is gone (410)', async () => {
    const { check } = await start();
    await check(DEV, 'guestbook-dev');
    await eventually(() => flat().length === 1);
    touched = [];

    api.compact();
    api.closeWatches();
    await eventually(() => flat().includes('dev'));
    const watchQueries = api.requests
      .filter(r => r.query.includes('watch=true'))
      .map(r => r.query);
    expect(watchQueries.at(-1)).not.toMatch(/resourceVersion=/);
  });

  it('warns once, naming the fix, when it may not watch, and keeps retrying', async () => {
    const { check } = await start(
      argocdConfig(api, { token: 'a-token-the-server-refuses' }),
    );
    await check(DEV, 'guestbook-dev');
    await eventually(
      () =>
        api.requests.filter(r => r.query.includes('watch=true')).length >= 2,
    );
    const warnings = logger.warn.mock.calls.filter(([m]) =>
      String(m).startsWith('Cannot watch'),
    );
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0][0])).toContain('falls back to polling');
    expect(touched).toEqual([]);
  });

  it('opens no watch when kargo.argocd.watchApplications is false', async () => {
    const { check } = await start({
      ...argocdConfig(api),
      watchApplications: false,
    });
    await check(DEV, 'guestbook-dev');
    await new Promise(r => setTimeout(r, 200));
    expect(api.requests.some(r => r.query.includes('watch=true'))).toBe(false);
  });

  it('closes its watches when stopped', async () => {
    const { check } = await start();
    await check(DEV, 'guestbook-dev');
    await eventually(() => api.openWatches === 1);
    await eventually(() => flat().length === 1);
    watches!.stop();
    await eventually(() => api.openWatches === 0);
    changeHealth('guestbook-dev', 'Degraded');
    await new Promise(r => setTimeout(r, 1500));
    expect(flat()).toEqual(['dev']);
    expect(api.openWatches).toBe(0);
  });
});
