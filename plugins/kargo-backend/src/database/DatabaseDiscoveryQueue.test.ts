import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseDiscoveryQueue } from './DatabaseDiscoveryQueue';
import { DatabaseKargoStore } from './DatabaseKargoStore';
import type { KargoStore } from './KargoStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const LEASE = 60_000;

describe.each(databases.eachSupportedId())(
  'DatabaseDiscoveryQueue on %s',
  id => {
    let knex: Knex;
    let store: KargoStore;
    let now: number;
    let queue: DatabaseDiscoveryQueue;

    const warehouse = (name: string, project = 'demo') =>
      store.createResource(
        { kind: 'Warehouse', project, name },
        { metadata: {}, spec: {} },
      );

    beforeEach(async () => {
      knex = await databases.init(id);
      store = await DatabaseKargoStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      now = 1_000_000;
      queue = new DatabaseDiscoveryQueue(knex, () => now);
    });

    it('claims a new Warehouse at once, and no other instance can while the lease lives', async () => {
      await warehouse('app');
      const [claim] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      expect(claim).toMatchObject({
        project: 'demo',
        name: 'app',
        generation: 1,
        specChanged: true,
      });
      expect(
        await queue.claimDue({ owner: 'b', leaseMs: LEASE, limit: 10 }),
      ).toEqual([]);

      now += LEASE + 1; // instance a died: its lease lapsed
      const [takeover] = await queue.claimDue({
        owner: 'b',
        leaseMs: LEASE,
        limit: 10,
      });
      expect(takeover.name).toBe('app');
      expect(await queue.renew(claim, 'a', LEASE)).toBe(false);
      await queue.complete(claim, 'a', { nextCheckAt: now + 5, failed: false }); // no effect
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toEqual([]);
    });

    it('is due again when the interval elapses or the spec changes, not before', async () => {
      await warehouse('app');
      const [claim] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      await queue.complete(claim, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toEqual([]);

      await store.updateResource(
        { kind: 'Warehouse', project: 'demo', name: 'app' },
        { metadata: {}, spec: { interval: '1m0s' } },
      );
      const [changed] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      expect(changed).toMatchObject({ generation: 2, specChanged: true });
      await queue.complete(changed, 'a', {
        nextCheckAt: now + 60_000,
        failed: true,
      });

      now += 59_999;
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toEqual([]);
      now += 1;
      const [due] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      expect(due).toMatchObject({ specChanged: false, failures: 1 });
    });

    it('keeps a refresh asked for while a discovery runs', async () => {
      await warehouse('app');
      expect(await queue.requestRefresh('demo', 'missing')).toBe(false);
      const [claim] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      now += 10;
      expect(await queue.requestRefresh('demo', 'app')).toBe(true);
      await queue.complete(claim, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      expect(await queue.nextCheckAt('demo', 'app')).toBe(now);
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toHaveLength(1);
    });

    it('never loses a refresh that races with the completion of a discovery', async () => {
      await warehouse('app');
      // Bounded: 40 rounds of a claim, then a completion and a refresh at once.
      for (let round = 0; round < 40; round++) {
        const [claim] = await queue.claimDue({
          owner: 'a',
          leaseMs: LEASE,
          limit: 10,
        });
        expect(claim).toMatchObject({ name: 'app' });
        await Promise.all([
          queue.complete(claim, 'a', {
            nextCheckAt: now + 300_000,
            failed: false,
          }),
          queue.requestRefresh('demo', 'app'),
        ]);
        // Asked for after the claim: due again now, whichever came first.
        expect({ round, at: await queue.nextCheckAt('demo', 'app') }).toEqual({
          round,
          at: now,
        });
      }
    });

    it('tells refreshes before and after a claim apart within one millisecond', async () => {
      await warehouse('app');
      const [first] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      await queue.complete(first, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      // Refresh, then claim, in the same millisecond: served once.
      await queue.requestRefresh('demo', 'app');
      const [served] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      await queue.complete(served, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toEqual([]);
      // Claim, then refresh, in the same millisecond: due again.
      await queue.requestRefresh('demo', 'app');
      const [claimed] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      await queue.requestRefresh('demo', 'app');
      await queue.complete(claimed, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toHaveLength(1);
    });

    it('is not due again after a refresh has been served', async () => {
      await warehouse('app');
      const [first] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      await queue.complete(first, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      now += 10;
      await queue.requestRefresh('demo', 'app');
      now += 10;
      const [refreshed] = await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      });
      expect(refreshed.name).toBe('app');
      now += 10;
      await queue.complete(refreshed, 'a', {
        nextCheckAt: now + 300_000,
        failed: false,
      });
      expect(await queue.nextCheckAt('demo', 'app')).toBe(now + 300_000);
      expect(
        await queue.claimDue({ owner: 'a', leaseMs: LEASE, limit: 10 }),
      ).toEqual([]);
    });

    it('never hands one Warehouse to two instances claiming at the same time', async () => {
      for (let i = 0; i < 40; i++) {
        await warehouse(`w${String(i).padStart(2, '0')}`);
      }
      const other = new DatabaseDiscoveryQueue(knex, () => now);
      const claimed: string[] = [];
      // Both instances claim in small batches, in parallel, until nothing is left.
      await Promise.all(
        [
          { q: queue, owner: 'a' },
          { q: other, owner: 'b' },
        ].map(async ({ q, owner }) => {
          for (let round = 0; round < 40; round++) {
            const claims = await q.claimDue({
              owner,
              leaseMs: LEASE,
              limit: 3,
            });
            claimed.push(...claims.map(c => c.name));
            if (!claims.length) break;
          }
        }),
      );
      expect(claimed).toHaveLength(40);
      expect(new Set(claimed).size).toBe(40);
    });

    it('forgets the schedule of deleted Warehouses', async () => {
      await warehouse('app');
      await warehouse('gone');
      for (const claim of await queue.claimDue({
        owner: 'a',
        leaseMs: LEASE,
        limit: 10,
      })) {
        await queue.complete(claim, 'a', { nextCheckAt: now, failed: false });
      }
      await store.deleteResource({
        kind: 'Warehouse',
        project: 'demo',
        name: 'gone',
      });
      expect(await queue.prune()).toBe(1);
      expect(await queue.nextCheckAt('demo', 'gone')).toBeUndefined();
      expect(await queue.nextCheckAt('demo', 'app')).toBe(now);
    });
  },
);
