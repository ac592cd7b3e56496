import type {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { KargoClient } from '@kargo-backstage/plugin-kargo-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DEMO_PROJECT_YAML } from '../service/__testUtils__/routeTestKit';
import { startKargoBackend } from '../service/__testUtils__/startKargoBackend';
import { startManifestServer } from './__testUtils__/startManifestServer';
import { MANIFEST_SOURCES_TASK_ID } from './startManifestSourceSync';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A component promoted through `project`, its pipeline at `manifests`. */
function component(name: string, project: string, manifests: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'kargo.akuity.io/project': project,
        'kargo.akuity.io/manifests': manifests,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team' },
  };
}

const doc = (kind: string, metadata: string, spec = '') => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: ${kind}
metadata: ${metadata}
${spec}`;

const stage = (name: string, sources = '{ direct: true }') =>
  doc(
    'Stage',
    `{ name: ${name}, namespace: team-a }`,
    `spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: ${sources}
`,
  );

const warehouse = (repo: string) =>
  doc(
    'Warehouse',
    '{ name: app, namespace: team-a }',
    `spec:
  subscriptions: [{ image: { repoURL: ${repo} } }]
`,
  );

/** Team A's pipeline: its Project, a Warehouse of `repo`, and Stages. */
const teamA = (stages: string[], repo = 'registry.example.com/team-a') =>
  doc('Project', '{ name: team-a }') +
  warehouse(repo) +
  stages.map(s => stage(s)).join('');

describe.each(databases.eachSupportedId())(
  'pipelines kept in entities repositories on %s',
  databaseId => {
    let server: Awaited<ReturnType<typeof startManifestServer>>;
    beforeAll(async () => {
      server = await startManifestServer();
    });
    afterAll(() => server.close());

    /**
     * The plugin over a fresh database, reading from the file server, with
     * `entities` in the catalog; its startup runs the sync task once.
     */
    async function start(entities: Entity[], deny: string[] = []) {
      const { host } = server;
      // Its factory runs every task once at startup; its class is not
      // exported, hence the type.
      const scheduler = mockServices.scheduler() as SchedulerService & {
        factory(): ServiceFactory;
      };
      const backend = await startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: DEMO_PROJECT_YAML,
        deny,
        entities,
        modules: [scheduler.factory()],
        config: { backend: { reading: { allow: [{ host }] } } },
      });
      const api = (path: string) =>
        request(backend.server).get(`/api/kargo/v1beta1${path}`);
      return {
        ...backend,
        sync: () => scheduler.triggerTask(MANIFEST_SOURCES_TASK_ID),
        pipeline: async (name: string) =>
          (await api(`/entity/component/default/${name}/pipeline`)).body,
        stages: async () =>
          (await api('/projects/team-a/stages')).body.items?.map(
            (s: any) => `${s.metadata.name}@${s.metadata.resourceVersion}`,
          ),
      };
    }

    it('applies the file, again when it changes, not when unchanged, and keeps the pipeline when a read or apply fails', async () => {
      const path = `/${databaseId}/story/team-a.yaml`;
      const location = `url:${server.url(path)}`;
      server.files.set(path, teamA(['dev']));
      const kargo = await start([component('guestbook', 'team-a', location)]);

      // First sync (at startup): the pipeline exists and says where from.
      let answer = await kargo.pipeline('guestbook');
      expect(
        answer.projects[0].stages.map((s: any) => s.metadata.name),
      ).toEqual(['dev']);
      expect(answer.manifestSource).toEqual({
        location,
        lastAttemptAt: expect.any(String),
        lastAppliedAt: answer.manifestSource.lastAttemptAt,
        appliedCount: 3,
      });
      const firstApplied = answer.manifestSource.lastAppliedAt;
      const [dev] = await kargo.stages();

      // Unchanged: a conditional read answered 304, nothing written.
      await kargo.sync();
      expect(server.lastStatus(path)).toBe(304);
      expect(await kargo.stages()).toEqual([dev]);
      answer = await kargo.pipeline('guestbook');
      expect(answer.manifestSource).toMatchObject({
        lastAppliedAt: firstApplied,
        appliedCount: 3,
      });
      expect(answer.manifestSource.error).toBeUndefined();

      // Changed: applied.
      server.files.set(path, teamA(['dev', 'staging']));
      await kargo.sync();
      expect(server.lastStatus(path)).toBe(200);
      const applied = await kargo.stages();
      expect(applied).toEqual([dev, expect.stringMatching(/^staging@/)]);
      answer = await kargo.pipeline('guestbook');
      expect(answer.manifestSource.appliedCount).toBe(4);
      const lastGood = answer.manifestSource;

      // Invalid: nothing applied (not even the valid documents), the error
      // names the document and the path, and the entity's page shows it.
      server.files.set(
        path,
        teamA(['dev', 'staging']).replace(
          'repoURL: registry.example.com/team-a',
          'repoURL: registry.example.com/changed',
        ) + stage('qa', '{}'),
      );
      await kargo.sync();
      answer = await kargo.pipeline('guestbook');
      expect(answer.manifestSource.error).toContain(
        'document 5 (Stage team-a/qa): spec.requestedFreight[0].sources',
      );
      expect(answer.manifestSource).toMatchObject({
        lastAppliedAt: lastGood.lastAppliedAt,
        appliedCount: 4,
      });
      expect(await kargo.stages()).toEqual(applied);
      expect(
        answer.projects[0].warehouses[0].spec.subscriptions[0].image.repoURL,
      ).toBe('registry.example.com/team-a');

      // Back to what is applied: the 304 says so, and the error is gone.
      server.files.set(path, teamA(['dev', 'staging']));
      await kargo.sync();
      expect(server.lastStatus(path)).toBe(304);
      expect((await kargo.pipeline('guestbook')).manifestSource.error).toBe(
        undefined,
      );

      // Unreadable: the read error is shown, the pipeline stays.
      server.files.delete(path);
      await kargo.sync();
      expect(server.lastStatus(path)).toBe(404);
      answer = await kargo.pipeline('guestbook');
      expect(answer.manifestSource.error).toMatch(
        new RegExp(`^Cannot read ${server.url(path)}: .*404`),
      );
      expect(answer.manifestSource.appliedCount).toBe(4);
      expect(await kargo.stages()).toEqual(applied);

      // Each apply the schedule made (not the 304s, not the failed reads).
      expect(
        kargo.audits
          .filter(a => a.eventId === 'manifest-source-apply')
          .map(a => a.outcome),
      ).toEqual(['success', 'success', 'fail']);
    });

    it("refuses manifests for another entity's project, cluster-wide resources, Promotions and other locations", async () => {
      const at = (name: string) => `/${databaseId}/refusals/${name}.yaml`;
      server.files.set(at('guestbook'), teamA(['dev']));
      // Team B's repository tries to rewrite team A's Warehouse.
      server.files.set(
        at('intruder'),
        doc('Project', '{ name: team-b }') +
          warehouse('registry.example.com/evil'),
      );
      // Naming team A's project on another entity is not enough either:
      // team A's manifests already manage it.
      server.files.set(
        at('team-a-copy'),
        teamA(['dev'], 'registry.example.com/evil'),
      );
      server.files.set(
        at('platform'),
        doc('Project', '{ name: team-c }') +
          doc(
            'ClusterPromotionTask',
            '{ name: shared }',
            'spec: { steps: [{ uses: noop }] }\n',
          ) +
          doc(
            'Promotion',
            '{ name: sneaky, namespace: team-c }',
            'spec: { stage: prod, freight: abc }\n',
          ),
      );
      const entities = [
        component('guestbook', 'team-a', `url:${server.url(at('guestbook'))}`),
        component('intruder', 'team-b', `url:${server.url(at('intruder'))}`),
        component(
          'team-a-copy',
          'team-a',
          `url:${server.url(at('team-a-copy'))}`,
        ),
        component('platform', 'team-c', `url:${server.url(at('platform'))}`),
        component('legacy', 'team-d', 'github:acme/legacy/kargo.yaml'),
      ];
      const kargo = await start(entities);
      await kargo.sync(); // every claim is known, whatever the catalog's order

      const errorOf = async (name: string) =>
        (await kargo.pipeline(name)).manifestSource.error;
      expect(await errorOf('guestbook')).toBeUndefined();
      expect(await errorOf('intruder')).toBe(
        'Refused manifests: document 2 (Warehouse team-a/app): project "team-a" is not named by the entity\'s kargo.akuity.io/project annotation (team-b)',
      );
      expect(await errorOf('team-a-copy')).toContain(
        'document 2 (Warehouse team-a/app): project "team-a" is managed by the manifests of component:default/guestbook',
      );
      const platform = await errorOf('platform');
      expect(platform).toContain(
        'document 2 (ClusterPromotionTask shared): cluster-wide resources',
      );
      expect(platform).toContain(
        'document 3 (Promotion team-c/sneaky): Promotions are not applied',
      );
      expect(await errorOf('legacy')).toMatch(
        /^kargo\.akuity\.io\/manifests must be url:/,
      );

      // All or nothing: neither the refused documents nor their neighbours.
      const stored = await request(kargo.server).get(
        '/api/kargo/v1beta1/projects/team-a/warehouses/app',
      );
      expect(stored.body.spec.subscriptions[0].image.repoURL).toBe(
        'registry.example.com/team-a',
      );
      for (const project of ['team-b', 'team-c']) {
        expect(
          (
            await request(kargo.server).get(
              `/api/kargo/v1beta1/projects/${project}`,
            )
          ).status,
        ).toBe(404);
      }
    });

    it('syncs on request, with kargo.resource.manage only, audited', async () => {
      const path = `/${databaseId}/route/team-a.yaml`;
      server.files.set(path, teamA(['dev']));
      const deny: string[] = [];
      const kargo = await start(
        [
          component('guestbook', 'team-a', `url:${server.url(path)}`),
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'plain', namespace: 'default' },
            spec: {},
          },
        ],
        deny,
      );
      const client = new KargoClient({
        discoveryApi: {
          getBaseUrl: async () =>
            `http://127.0.0.1:${kargo.server.port()}/api/kargo`,
        },
      });
      const guestbook = { kind: 'Component', name: 'guestbook' };
      const syncs = () =>
        kargo.audits.filter(a => a.eventId === 'manifest-source-sync');

      deny.push('kargo.resource.manage');
      await expect(client.syncManifestSource(guestbook)).rejects.toMatchObject({
        response: { status: 403 },
      });
      expect(syncs()).toEqual([
        { eventId: 'manifest-source-sync', outcome: 'fail' },
      ]);
      deny.length = 0;

      // Read afresh, though unchanged since the startup sync.
      const reads = server.served.length;
      expect(await client.syncManifestSource(guestbook)).toEqual({
        location: `url:${server.url(path)}`,
        lastAttemptAt: expect.any(String),
        lastAppliedAt: expect.any(String),
        appliedCount: 3,
      });
      expect(server.served.slice(reads)).toEqual([{ path, status: 200 }]);
      expect(syncs()[1]).toEqual({
        eventId: 'manifest-source-sync',
        outcome: 'success',
      });

      // A failed sync answers its error, and is audited as failed.
      server.files.set(path, `${teamA(['dev'])}${stage('qa', '{}')}`);
      const failed = await client.syncManifestSource(guestbook);
      expect(failed.error).toContain('document 4 (Stage team-a/qa)');
      expect(failed.appliedCount).toBe(3);
      expect(
        (await client.getEntityPipeline(guestbook)).manifestSource,
      ).toEqual(failed);
      expect(syncs()[2]).toEqual({
        eventId: 'manifest-source-sync',
        outcome: 'fail',
      });

      await expect(
        client.syncManifestSource({ kind: 'Component', name: 'plain' }),
      ).rejects.toMatchObject({ response: { status: 400 } });
      await expect(
        client.syncManifestSource({ kind: 'Component', name: 'missing' }),
      ).rejects.toMatchObject({ response: { status: 404 } });
    });
  },
);
