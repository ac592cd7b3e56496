import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readdirSync } from 'node:fs';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@kargo-backstage/plugin-kargo-backend',
  'migrations',
);
const migrationFiles = readdirSync(migrationsDir)
  .filter(f => f.endsWith('.js'))
  .sort();

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %s', id => {
  it('steps up through every migration, keeps data, and steps back down', async () => {
    const knex = await databases.init(id);
    const config = { directory: migrationsDir };

    for (const file of migrationFiles) {
      await knex.migrate.up({ ...config, name: file });
    }
    expect(await knex.migrate.currentVersion(config)).toBe(
      migrationFiles[migrationFiles.length - 1].split('_')[0],
    );

    // Driver errors are matched by message: they come from outside Jest's realm.
    const insert = async (row: object) => {
      await knex('kargo_resources').insert(row);
    };

    // 20261126a_init: the resource table with its uniqueness rules.
    await insert({
      uid: 'u1',
      kind: 'Freight',
      project: 'demo',
      name: 'f1',
      resource_version: 1,
      generation: 1,
      metadata: '{}',
      spec: '{}',
      status: '{}',
      alias: 'calm-fox',
      origin: 'wh',
      sort_at: 1,
      created_at: 1,
      updated_at: 1,
    });
    // A second Freight with the same alias in the project is refused.
    const error = await insert({
      uid: 'u2',
      kind: 'Freight',
      project: 'demo',
      name: 'f2',
      resource_version: 1,
      generation: 1,
      metadata: '{}',
      spec: '{}',
      status: '{}',
      alias: 'calm-fox',
      sort_at: 1,
      created_at: 1,
      updated_at: 1,
    }).catch(e => e);
    expect(String(error?.message)).toMatch(/unique/i);
    const [{ n }] = await knex('kargo_resources').count({ n: '*' });
    expect(Number(n)).toBe(1);

    for (const _file of [...migrationFiles].reverse()) {
      await knex.migrate.down(config);
    }
    expect(await knex.schema.hasTable('kargo_resources')).toBe(false);
  });
});
