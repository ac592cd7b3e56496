import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseKargoStore } from './DatabaseKargoStore';
import { DatabasePromotionQueue } from './DatabasePromotionQueue';
import type { KargoStore } from './KargoStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const LEASE = 30_000;

describe.each(databases.eachSupportedId())(
  'DatabasePromotionQueue on %s',
  id => {
    let knex: Knex;
    let store: KargoStore;
    let now: number;
    let queue: DatabasePromotionQueue;

    const promotion = async (name: string, stage: string, project = 'demo') => {
      await queue.transaction(async (tx, q) => {
        await tx.createResource(
          { kind: 'Promotion', project, name },
          { metadata: {}, spec: { stage }, stage },
          { phase: 'Pending' },
        );
        await q.enqueue({ project, name, stage });
      });
    };
    const claim = (owner: string, limit = 10) =>
      queue.claim({ owner, leaseMs: LEASE, limit });

    beforeEach(async () => {
      knex = await databases.init(id);
      store = await DatabaseKargoStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      now = 1_000_000;
      queue = new DatabasePromotionQueue(knex, () => now);
    });

    it('hands out one Promotion per Stage, oldest first, and the next only when it is done', async () => {
      await promotion('dev.1', 'dev');
      await promotion('dev.2', 'dev');
      await promotion('prod.1', 'prod');
      const first = await claim('a');
      expect(first.map(c => c.name)).toEqual(['dev.1', 'prod.1']);
      expect(await claim('b')).toEqual([]);
      expect(await queue.position('demo', 'dev.2')).toBe(1);

      expect(await queue.update(first[0], 'a', { done: true })).toBe(true);
      expect((await claim('b')).map(c => c.name)).toEqual(['dev.2']);
      expect(await queue.position('demo', 'dev.1')).toBeUndefined();
    });

    it('lets another instance take over a lapsed claim, and fences the old owner out', async () => {
      await promotion('dev.1', 'dev');
      const [mine] = await claim('a');
      await queue.update(mine, 'a', { inFlightStep: 2 });
      now += LEASE - 1;
      expect(await queue.heartbeat(mine, 'a', LEASE)).toEqual({ held: true });
      now += LEASE + 1; // a stopped renewing
      expect(await queue.lapsed()).toEqual([
        expect.objectContaining({ name: 'dev.1', owner: 'a' }),
      ]);
      const [takeover] = await claim('b');
      expect(takeover).toMatchObject({
        name: 'dev.1',
        previousOwner: 'a',
        inFlightStep: 2,
      });
      expect(await queue.heartbeat(mine, 'a', LEASE)).toEqual({ held: false });
      expect(await queue.update(mine, 'a', { done: true })).toBe(false);
    });

    it('keeps a released Promotion at the head of its Stage until it is due', async () => {
      await promotion('dev.1', 'dev');
      await promotion('dev.2', 'dev');
      const [c] = await claim('a');
      await queue.update(c, 'a', {
        inFlightStep: 1,
        release: { notBefore: now + 60_000 },
      });
      expect(await claim('b')).toEqual([]);
      expect(await queue.nextDueAt()).toBe(now + 60_000);
      now += 60_000;
      expect(await claim('b')).toEqual([
        expect.objectContaining({ name: 'dev.1', inFlightStep: 1 }),
      ]);
    });

    it('remembers a wake-up that arrives while a Promotion runs: its release leaves it due at once', async () => {
      await promotion('dev.1', 'dev');
      const [c] = await claim('a');
      // Woken (a review, a lifted freeze) while its step is still deciding
      // to wait: the step parks it for a minute, but the wake-up stands.
      await queue.wakeStage('demo', 'dev');
      await queue.update(c, 'a', { release: { notBefore: now + 60_000 } });
      const [again] = await claim('b');
      expect(again).toMatchObject({ name: 'dev.1' });
      // Claimed afresh, the wake-up is used up: the next release parks it.
      await queue.update(again, 'b', { release: { notBefore: now + 60_000 } });
      expect(await claim('c')).toEqual([]);
    });

    it('answers an abort request by who holds the Promotion', async () => {
      await promotion('dev.1', 'dev');
      await promotion('dev.2', 'dev');
      const [c] = await claim('a');
      expect(
        await queue.requestAbort('demo', 'dev.1', 'user:default/ann'),
      ).toEqual({
        state: 'running',
        owner: 'a',
      });
      expect(await queue.heartbeat(c, 'a', LEASE)).toEqual({
        held: true,
        abortRequestedBy: 'user:default/ann',
      });
      expect(
        await queue.requestAbort('demo', 'dev.2', 'user:default/ann'),
      ).toEqual({
        state: 'unclaimed',
      });
      expect(await queue.finishUnclaimed('demo', 'dev.2')).toBe(true);
      expect(await queue.requestAbort('demo', 'dev.2', 'x')).toEqual({
        state: 'done',
      });
      expect(await queue.requestAbort('demo', 'nope', 'x')).toEqual({
        state: 'missing',
      });
    });

    it('keeps log lines in order and forgets everything of deleted Promotions', async () => {
      await promotion('dev.1', 'dev');
      await queue.appendLogs('demo', 'dev.1', [
        { step: 0, at: 1, message: 'cloning' },
        { step: 1, at: 2, message: 'pushed' },
      ]);
      expect(
        (await queue.readLogs('demo', 'dev.1')).map(l => l.message),
      ).toEqual(['cloning', 'pushed']);
      await store.deleteResource({
        kind: 'Promotion',
        project: 'demo',
        name: 'dev.1',
      });
      expect(await claim('a')).toEqual([]);
      expect(await queue.prune()).toBe(3);
      expect(await queue.readLogs('demo', 'dev.1')).toEqual([]);
    });

    it('gives a contested Promotion to exactly one of many concurrent claimers', async () => {
      for (let i = 0; i < 20; i++) await promotion(`s${i}.1`, `s${i}`);
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map(owner =>
          new DatabasePromotionQueue(knex, () => now).claim({
            owner,
            leaseMs: LEASE,
            limit: 20,
          }),
        ),
      );
      const names = results.flat().map(c => c.name);
      expect(names).toHaveLength(20);
      expect(new Set(names).size).toBe(20);
    });
  },
);
