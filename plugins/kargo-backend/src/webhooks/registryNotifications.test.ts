import http from 'node:http';
import net from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { DatabaseKargoStore, KargoStore } from '../database';
import { ManifestApplier } from '../manifests/ManifestApplier';
import { ConfigSecretsProvider } from '../secrets';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  requireTools,
  startTestRegistry,
} from '../warehouses/discovery/registry/__testUtils__/testRegistry';
import { pushTestImage } from '../warehouses/discovery/registry/__testUtils__/ociLayout';
import { WebhookReceivers } from './WebhookReceivers';

jest.setTimeout(120_000);

const TOKEN = 'registry-notify-token';
const EVENTS_TYPE = 'application/vnd.docker.distribution.events.v1+json';

const hasTools = requireTools('registry notification tests', [
  'docker-registry',
  'skopeo',
]);
const databases = createTestDatabases();
const ids = databases.eachSupportedId().filter(([id]) => id === 'SQLITE_3');

describe('handleRegistryNotification', () => {
  const receiversFor = (
    refresh: jest.Mock,
    options: { token?: string; aliases?: string[] } = { token: TOKEN },
  ) =>
    new WebhookReceivers({
      store: {
        listResources: async () => ({
          items: [{ name: 'demo' }],
        }),
        listAllInProject: async () => [
          {
            project: 'demo',
            name: 'app',
            spec: {
              subscriptions: [
                { image: { repoURL: 'registry.example.com/app' } },
              ],
            },
          },
        ],
      } as any,
      secrets: new ConfigSecretsProvider([]),
      refresh,
      baseUrl: 'http://localhost:7007/api/kargo',
      logger: mockServices.logger.mock(),
      registryNotificationToken: options.token,
      registryNotificationHostAliases: options.aliases,
    });
  const envelope = (events: unknown[]) =>
    Buffer.from(JSON.stringify({ events }));
  const manifestPush = (host: string, tag?: string) => ({
    action: 'push',
    target: {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      repository: 'app',
      digest: `sha256:${'a'.repeat(64)}`,
      ...(tag ? { tag } : {}),
    },
    request: { host },
  });
  const post = (r: WebhookReceivers, body: Buffer, auth?: string) =>
    r.handleRegistryNotification({
      method: 'POST',
      headers: {
        'content-type': EVENTS_TYPE,
        ...(auth ? { authorization: auth } : {}),
      },
      body,
    });

  it('answers 404 when no token is configured', async () => {
    const refresh = jest.fn(async () => true);
    expect(
      await post(receiversFor(refresh, {}), envelope([]), `Bearer ${TOKEN}`),
    ).toEqual({ status: 404, body: {} });
  });

  it('checks the bearer token', async () => {
    const refresh = jest.fn(async () => true);
    const r = receiversFor(refresh);
    const body = envelope([manifestPush('registry.example.com', '1.0.0')]);
    expect(await post(r, body)).toMatchObject({ status: 401 });
    expect(await post(r, body, 'Bearer nope')).toMatchObject({ status: 401 });
    expect(refresh).not.toHaveBeenCalled();
    expect(await post(r, body, `Bearer ${TOKEN}`)).toEqual({
      status: 200,
      body: { msg: 'refreshed 1 warehouse(s)' },
    });
    expect(refresh).toHaveBeenCalledWith('demo', 'app');
  });

  it('ignores blobs, pulls and other hosts; honours aliases; 400 on bad JSON', async () => {
    const refresh = jest.fn(async () => true);
    const r = receiversFor(refresh, {
      token: TOKEN,
      aliases: ['registry.example.com'],
    });
    const blob = {
      action: 'push',
      target: { mediaType: 'application/octet-stream', repository: 'app' },
      request: { host: 'registry.example.com' },
    };
    const pull = { ...manifestPush('registry.example.com'), action: 'pull' };
    await post(r, envelope([blob, pull]), `Bearer ${TOKEN}`);
    expect(refresh).not.toHaveBeenCalled();
    await post(r, envelope([manifestPush('10.0.0.1:5000')]), `Bearer ${TOKEN}`);
    expect(refresh).toHaveBeenCalledTimes(1); // via the alias
    expect(await post(r, Buffer.from('{'), `Bearer ${TOKEN}`)).toMatchObject({
      status: 400,
    });
  });

  (hasTools ? describe.each(ids) : describe.skip.each(ids))(
    'with a real docker-registry on %s',
    id => {
      let store: KargoStore;
      let server: http.Server;
      let registry: { host: string; stop(): Promise<void> } | undefined;
      const refresh = jest.fn(async (_p: string, _n: string) => true);
      const statuses: number[] = [];

      beforeAll(async () => {
        const knex = await databases.init(id);
        store = await DatabaseKargoStore.create({
          database: mockServices.database({
            knex,
            migrations: { skip: false },
          }),
        });
        const receivers = new WebhookReceivers({
          store,
          secrets: new ConfigSecretsProvider([]),
          refresh,
          baseUrl: 'http://localhost:7007/api/kargo',
          logger: mockServices.logger.mock(),
          registryNotificationToken: TOKEN,
        });
        server = http.createServer((req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', c => chunks.push(c));
          req.on('end', async () => {
            const result = await receivers.handleRegistryNotification({
              method: req.method ?? 'POST',
              headers: req.headers,
              body: Buffer.concat(chunks),
            });
            statuses.push(result.status);
            res.writeHead(result.status, {
              'content-type': 'application/json',
            });
            res.end(JSON.stringify(result.body));
          });
        });
        await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
        const { port } = server.address() as net.AddressInfo;
        registry = await startTestRegistry({
          notifications: {
            url: `http://127.0.0.1:${port}/events`,
            token: TOKEN,
          },
        });
        await new ManifestApplier(store).apply(
          parseManifests(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: elsewhere }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions:
    - image: { repoURL: ${registry.host}/demo/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: elsewhere }
spec:
  subscriptions:
    - image: { repoURL: ${registry.host}/demo/app, imageSelectionStrategy: Lexical }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: other, namespace: demo }
spec:
  subscriptions:
    - image: { repoURL: ${registry.host}/demo/other }
`),
          'create',
        );
      });

      afterAll(async () => {
        await registry?.stop();
        await new Promise(r => server?.close(r));
      });

      it('refreshes the subscribed Warehouses when an image is pushed', async () => {
        await pushTestImage({
          host: registry!.host,
          repo: 'demo/app',
          tag: '1.0.0',
          content: { content: 'hello' },
        });
        const deadline = Date.now() + 20_000;
        while (refresh.mock.calls.length < 2 && Date.now() < deadline) {
          await new Promise(r => setTimeout(r, 100));
        }
        // Give stragglers (blob events, retries) a moment, then check.
        await new Promise(r => setTimeout(r, 500));
        const calls = refresh.mock.calls.map(([p, n]) => `${p}/${n}`);
        expect([...new Set(calls)].sort()).toEqual([
          'demo/app',
          'elsewhere/app',
        ]);
        expect(statuses.every(s => s === 200)).toBe(true);
      });
    },
  );
});
