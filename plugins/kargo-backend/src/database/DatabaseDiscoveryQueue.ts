import { deleteOrphans } from './deleteOrphans';
import { Knex } from 'knex';
import type { DiscoveryClaim, DiscoveryQueue } from './DiscoveryQueue';

const QUEUE = 'kargo_discovery_queue';
const RESOURCES = 'kargo_resources';

type DueRow = {
  project: string;
  name: string;
  generation: number | string;
  checked_generation: number | string | null;
  failures: number | string | null;
  queued: string | null;
};

/** The knex implementation of {@link DiscoveryQueue}. */
export class DatabaseDiscoveryQueue implements DiscoveryQueue {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => number = Date.now,
  ) {}

  async claimDue(options: {
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<DiscoveryClaim[]> {
    const now = this.clock();
    const candidates: DueRow[] = await this.db(`${RESOURCES} as r`)
      .leftJoin(`${QUEUE} as q`, join =>
        join.on('q.project', 'r.project').andOn('q.name', 'r.name'),
      )
      .where('r.kind', 'Warehouse')
      .andWhere(due =>
        due
          .whereNull('q.name')
          .orWhere('q.next_check_at', '<=', now)
          .orWhereNull('q.checked_generation')
          .orWhereRaw('q.checked_generation <> r.generation'),
      )
      .andWhere(free =>
        free
          .whereNull('q.claim_expires_at')
          .orWhere('q.claim_expires_at', '<', now),
      )
      .orderByRaw('q.next_check_at is not null, q.next_check_at')
      .limit(options.limit)
      .select(
        'r.project',
        'r.name',
        'r.generation',
        'q.checked_generation',
        'q.failures',
        'q.name as queued',
      );

    const claims: DiscoveryClaim[] = [];
    for (const row of candidates) {
      if (row.queued === null) {
        // First sight of this Warehouse: a row that is due now.
        await this.db(QUEUE)
          .insert({ project: row.project, name: row.name, next_check_at: now })
          .onConflict(['project', 'name'])
          .ignore();
      }
      // Compare-and-set: only one instance turns a free row into its claim.
      const taken = await this.db(QUEUE)
        .where({ project: row.project, name: row.name })
        .andWhere(free =>
          free
            .whereNull('claim_expires_at')
            .orWhere('claim_expires_at', '<', now),
        )
        .update({
          owner: options.owner,
          claimed_at: now,
          claimed_refresh_seq: this.db.ref('refresh_seq'),
          claim_expires_at: now + options.leaseMs,
        });
      if (taken === 1) {
        const generation = Number(row.generation);
        claims.push({
          project: row.project,
          name: row.name,
          generation,
          failures: Number(row.failures ?? 0),
          specChanged:
            row.checked_generation === null ||
            Number(row.checked_generation) !== generation,
        });
      }
    }
    return claims;
  }

  async renew(
    claim: DiscoveryClaim,
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    const renewed = await this.db(QUEUE)
      .where({ project: claim.project, name: claim.name, owner })
      .update({ claim_expires_at: this.clock() + leaseMs });
    return renewed === 1;
  }

  async complete(
    claim: DiscoveryClaim,
    owner: string,
    outcome: { nextCheckAt: number; failed: boolean },
  ): Promise<void> {
    // A refresh asked for while this discovery ran is not lost. Counted, not
    // timed: a refresh in the claim's own millisecond is neither lost nor
    // served twice. One statement: reading refresh_seq first and writing
    // after would lose a refresh committed in between. (A lapsed claim
    // matches no row: another instance took over.)
    await this.db(QUEUE)
      .where({ project: claim.project, name: claim.name, owner })
      .update({
        owner: null,
        claimed_at: null,
        claimed_refresh_seq: null,
        claim_expires_at: null,
        next_check_at: this.db.raw(
          'case when refresh_seq > coalesce(claimed_refresh_seq, 0) then cast(? as bigint) else cast(? as bigint) end',
          [this.clock(), outcome.nextCheckAt],
        ),
        checked_generation: claim.generation,
        failures: outcome.failed ? claim.failures + 1 : 0,
      });
  }

  async requestRefresh(project: string, name: string): Promise<boolean> {
    const exists = await this.db(RESOURCES)
      .where({ kind: 'Warehouse', project, name })
      .first('name');
    if (!exists) {
      return false;
    }
    const now = this.clock();
    await this.db(QUEUE)
      .insert({ project, name, next_check_at: now, refresh_seq: 1 })
      .onConflict(['project', 'name'])
      .merge({
        next_check_at: now,
        refresh_seq: this.db.raw('?? + 1', [`${QUEUE}.refresh_seq`]),
      });
    return true;
  }

  /** Forgets the schedule of Warehouses that no longer exist. */
  async prune(): Promise<number> {
    return deleteOrphans(this.db, QUEUE, 'Warehouse');
  }

  async nextCheckAt(
    project: string,
    name: string,
  ): Promise<number | undefined> {
    const row = await this.db(QUEUE)
      .where({ project, name })
      .first('next_check_at');
    return row ? Number(row.next_check_at) : undefined;
  }
}
