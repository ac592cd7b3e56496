import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseFreezes } from './DatabaseFreezes';
import { DatabaseKargoStore } from './DatabaseKargoStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('DatabaseFreezes on %s', id => {
  it('keeps one freeze per project and Stage, finds those affecting a Stage, and forgets deleted ones', async () => {
    const knex = await databases.init(id);
    const store = await DatabaseKargoStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    for (const project of ['demo', 'other']) {
      await store.createResource(
        { kind: 'Project', project, name: project },
        { metadata: {}, spec: {} },
      );
    }
    for (const name of ['dev', 'prod']) {
      await store.createResource(
        { kind: 'Stage', project: 'demo', name },
        { metadata: {}, spec: {} },
      );
    }
    let now = Date.parse('2026-11-26T10:00:00Z');
    const freezes = new DatabaseFreezes(knex, () => now);
    await freezes.freeze({ project: 'demo', reason: 'audit', actor: 'user:a' });
    await freezes.freeze({
      project: 'demo',
      stage: 'prod',
      reason: 'incident',
      actor: 'user:a',
    });
    now += 60_000;
    // Freezing again replaces the reason, the actor and the time.
    const again = await freezes.freeze({
      project: 'demo',
      stage: 'prod',
      reason: 'incident INC-7',
      actor: 'user:b',
    });
    expect(again).toEqual({
      project: 'demo',
      stage: 'prod',
      reason: 'incident INC-7',
      actor: 'user:b',
      createdAt: '2026-11-26T10:01:00.000Z',
    });
    await freezes.freeze({ project: 'other', reason: 'x', actor: 'user:c' });

    expect(
      (await freezes.affecting('demo', 'prod')).map(f => f.stage ?? '*'),
    ).toEqual(['*', 'prod']);
    expect(
      (await freezes.affecting('demo', 'dev')).map(f => f.stage ?? '*'),
    ).toEqual(['*']);
    expect((await freezes.list('demo')).map(f => f.reason)).toEqual([
      'audit',
      'incident INC-7',
    ]);

    expect(await freezes.unfreeze('demo')).toMatchObject({ reason: 'audit' });
    expect(await freezes.unfreeze('demo')).toBeUndefined();

    await knex('kargo_resources')
      .where({ kind: 'Stage', project: 'demo', name: 'prod' })
      .delete();
    await knex('kargo_resources')
      .where({ kind: 'Project', name: 'other' })
      .delete();
    expect(await freezes.prune()).toBe(2);
    expect(await freezes.list('demo')).toEqual([]);
    expect(await freezes.list('other')).toEqual([]);
  });
});
