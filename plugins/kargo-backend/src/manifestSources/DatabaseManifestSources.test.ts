import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseKargoStore } from '../database';
import { DatabaseManifestSources, toStatus } from './DatabaseManifestSources';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'DatabaseManifestSources on %s',
  id => {
    it('keeps one record per entity, replaces it, and forgets entities no longer annotated', async () => {
      const knex = await databases.init(id);
      // Runs the plugin's migrations.
      await DatabaseKargoStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const sources = new DatabaseManifestSources(knex);
      const at = Date.parse('2026-11-26T10:00:00Z');
      await sources.save({
        entityRef: 'component:default/a',
        location: 'url:https://git.example.com/a/kargo.yaml',
        etag: '"1"',
        projects: ['team-a'],
        lastAttemptAt: at,
        lastAppliedAt: at,
        appliedCount: 3,
      });
      await sources.save({
        entityRef: 'component:default/b',
        location: 'url:https://git.example.com/b/kargo.yaml',
        projects: [],
        lastAttemptAt: at,
        error: 'Cannot read …',
      });
      // A later attempt replaces the record whole.
      await sources.save({
        entityRef: 'component:default/a',
        location: 'url:https://git.example.com/a/kargo.yaml',
        etag: '"1"',
        projects: ['team-a'],
        lastAttemptAt: at + 60_000,
        lastAppliedAt: at,
        appliedCount: 3,
        error: 'Invalid manifests: …',
      });

      const a = await sources.get('component:default/a');
      expect(toStatus(a!)).toEqual({
        location: 'url:https://git.example.com/a/kargo.yaml',
        lastAttemptAt: '2026-11-26T10:01:00.000Z',
        lastAppliedAt: '2026-11-26T10:00:00.000Z',
        appliedCount: 3,
        error: 'Invalid manifests: …',
      });
      expect(a).toMatchObject({ etag: '"1"', projects: ['team-a'] });
      expect((await sources.list()).map(r => r.entityRef)).toEqual([
        'component:default/a',
        'component:default/b',
      ]);

      expect(await sources.forgetAllBut(['component:default/b'])).toBe(1);
      expect(await sources.get('component:default/a')).toBeUndefined();
      expect(await sources.get('component:default/b')).toMatchObject({
        projects: [],
        error: 'Cannot read …',
      });
    });
  },
);
