import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import kargoPlugin from '../index';
import { GitFixture } from './discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from './discovery/git/__testUtils__/gitHttpServer';

jest.setTimeout(60_000);

/**
 * The plugin as a portal runs it: a Warehouse applied through the API is
 * discovered from a real Git server (credentials from kargo.credentials),
 * Freight appears, and a refresh picks up a new commit at once.
 */
describe('Warehouse discovery in the running plugin', () => {
  let repo: GitFixture;
  let git: GitHttpServer;

  beforeAll(async () => {
    repo = new GitFixture('app');
    repo.commit({ message: 'app 1.0.0', files: { VERSION: '1.0.0' } });
    repo.push();
    git = await startGitHttpServer({
      root: repo.reposDir,
      username: 'kargo',
      password: 's3cret-token',
    });
  });

  afterAll(async () => {
    await git?.close();
    repo?.cleanup();
  });

  async function waitFor<T>(fn: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const value = await fn();
      if (value !== undefined) return value;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error('timed out');
  }

  it('turns commits into Freight, and a refresh finds a new one at once', async () => {
    const { server } = await startTestBackend({
      features: [
        kargoPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            kargo: {
              credentials: [
                {
                  type: 'git',
                  repoURL: `${git.url}/app.git`,
                  username: 'kargo',
                  password: 's3cret-token',
                },
              ],
              warehouses: { minReconciliationInterval: '1h' },
            },
          },
        }),
      ],
    });
    const pipeline = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions:
    - git: { repoURL: '${git.url}/app.git', branch: main }
`;
    expect(
      (
        await request(server)
          .post('/api/kargo/v1beta1/resources')
          .set('Content-Type', 'application/yaml')
          .send(pipeline)
      ).status,
    ).toBe(201);
    await request(server).post(
      '/api/kargo/v1beta1/projects/demo/warehouses/app/refresh',
    );

    const freightList = () =>
      request(server)
        .get('/api/kargo/v1beta1/projects/demo/freight')
        .then(r => r.body.items as any[]);
    const [first] = await waitFor(async () => {
      const items = await freightList();
      return items.length ? items : undefined;
    });
    expect(first.commits).toEqual([
      expect.objectContaining({
        id: repo.head(),
        message: 'app 1.0.0',
        branch: 'main',
      }),
    ]);
    // The server demands credentials: they came from kargo.credentials.
    expect(git.requests.some(r => r.user === 'kargo')).toBe(true);

    // A new commit; the interval is an hour, so only the refresh finds it.
    repo.commit({ message: 'app 1.1.0', files: { VERSION: '1.1.0' } });
    repo.push();
    const refreshed = await request(server).post(
      '/api/kargo/v1beta1/projects/demo/warehouses/app/refresh',
    );
    expect(refreshed.status).toBe(200);
    const newest = await waitFor(async () => {
      const items = await freightList();
      return items.length === 2 ? items[0] : undefined;
    });
    expect(newest.commits[0]).toMatchObject({
      id: repo.head(),
      message: 'app 1.1.0',
    });

    const warehouse = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/warehouses/app',
    );
    expect(warehouse.body.status.lastFreightID).toBe(newest.metadata.name);
    expect(JSON.stringify(warehouse.body)).not.toContain('s3cret-token');

    // Kargo's other way to ask: a new kargo.akuity.io/refresh token.
    repo.commit({ message: 'app 1.2.0', files: { VERSION: '1.2.0' } });
    repo.push();
    const annotated = pipeline
      .split('---')[1]
      .replace(
        'metadata: { name: app, namespace: demo }',
        "metadata: { name: app, namespace: demo, annotations: { 'kargo.akuity.io/refresh': 'tok-1' } }",
      );
    const applied = await request(server)
      .put('/api/kargo/v1beta1/resources')
      .set('Content-Type', 'application/yaml')
      .send(annotated);
    expect(applied.status).toBe(200);
    const third = await waitFor(async () => {
      const items = await freightList();
      return items.length === 3 ? items[0] : undefined;
    });
    expect(third.commits[0]).toMatchObject({ message: 'app 1.2.0' });
    const handled = await waitFor(async () => {
      const w = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/warehouses/app',
      );
      return w.body.status.lastHandledRefresh === 'tok-1' ? w.body : undefined;
    });
    expect(handled.status.lastFreightID).toBe(third.metadata.name);
  });
});
