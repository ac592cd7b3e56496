import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseKargoStore } from './DatabaseKargoStore';

describe('the store on a SQLite file', () => {
  it('keeps it in write-ahead-log mode, and the data across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-wal-'));
    const open = () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'kargo.sqlite') },
        useNullAsDefault: true,
      });
    try {
      const knex = open();
      const store = await DatabaseKargoStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      await store.createResource(
        { kind: 'Project', project: 'shop', name: 'shop' },
        { metadata: {}, spec: {} },
      );
      const [mode] = await knex.raw('PRAGMA journal_mode');
      expect(mode.journal_mode).toBe('wal');
      await knex.destroy();

      const again = open();
      const [reopened] = await again.raw('PRAGMA journal_mode');
      expect(reopened.journal_mode).toBe('wal');
      const reread = DatabaseKargoStore.fromClient(again);
      expect(
        await reread.getResource({
          kind: 'Project',
          project: 'shop',
          name: 'shop',
        }),
      ).toMatchObject({ name: 'shop' });
      await again.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
