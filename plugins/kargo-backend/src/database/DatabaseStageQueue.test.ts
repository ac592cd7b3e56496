import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseKargoStore } from './DatabaseKargoStore';
import { DatabaseStageQueue } from './DatabaseStageQueue';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('DatabaseStageQueue on %s', id => {
  let knex: Knex;
  let now: number;
  let queue: DatabaseStageQueue;
  const dev = { project: 'demo', name: 'dev' };
  const prod = { project: 'demo', name: 'prod' };

  beforeEach(async () => {
    knex = await databases.init(id);
    const store = await DatabaseKargoStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    for (const name of ['dev', 'prod']) {
      await store.createResource(
        { kind: 'Stage', project: 'demo', name },
        { metadata: {}, spec: {} },
      );
    }
    now = 1_000_000;
    queue = new DatabaseStageQueue(knex, () => now);
  });

  const claim = (owner: string) =>
    queue.claimDue({ owner, leaseMs: 10_000, limit: 10 });

  it('hands a touched Stage to one instance at a time, and again after its lease lapses', async () => {
    await queue.touch([dev, dev]);
    const [a] = await claim('a');
    expect(a).toMatchObject(dev);
    expect(await claim('b')).toEqual([]);
    now += 10_001;
    expect((await claim('b')).map(c => c.name)).toEqual(['dev']);
    // The lapsed owner's completion changes nothing.
    await queue.complete(a, 'a', now + 5);
    expect(await claim('c')).toEqual([]);
  });

  it('keeps a Stage due when it was touched during its reconciliation, settles it otherwise', async () => {
    await queue.touch([dev, prod]);
    const claims = await claim('a');
    expect(claims.map(c => c.name).sort()).toEqual(['dev', 'prod']);
    await queue.touch([dev]);
    for (const c of claims) await queue.complete(c, 'a');
    expect((await claim('a')).map(c => c.name)).toEqual(['dev']);
    expect(await queue.nextDueAt()).toBeUndefined();
  });

  it('never loses a touch that races with the completion of a reconciliation', async () => {
    // Bounded: 40 rounds of a claim, then a completion and a touch at once.
    for (let round = 0; round < 40; round++) {
      await queue.touch([dev]);
      const [c] = await claim('a');
      expect(c).toMatchObject(dev);
      await Promise.all([
        queue.complete(c, 'a', now + 60_000),
        queue.touch([dev]),
      ]);
      // Touched after the claim: due again now, whichever came first.
      const again = await claim('a');
      expect({ round, due: again.map(x => x.name) }).toEqual({
        round,
        due: ['dev'],
      });
      await queue.complete(again[0], 'a');
    }
  });

  it('schedules the next reconciliation and says when it is due', async () => {
    await queue.touch([dev]);
    const [c] = await claim('a');
    await queue.complete(c, 'a', now + 1500);
    expect(await queue.nextDueAt()).toBe(now + 1500);
    expect(await claim('a')).toEqual([]);
    now += 1500;
    expect((await claim('a')).map(x => x.name)).toEqual(['dev']);
  });

  it('sweeps Stages never seen and those settled long ago, and prunes deleted ones', async () => {
    expect(await queue.sweep(60_000)).toBe(2);
    for (const c of await claim('a')) await queue.complete(c, 'a');
    expect(await queue.sweep(60_000)).toBe(0);
    now += 60_001;
    expect(await queue.sweep(60_000)).toBe(2);
    await knex('kargo_resources').where({ kind: 'Stage', name: 'prod' }).del();
    expect(await queue.prune()).toBe(1);
    expect((await claim('a')).map(x => x.name)).toEqual(['dev']);
  });
});
