import { deleteOrphans } from './deleteOrphans';
import { Knex } from 'knex';
import type { StageClaim, StageQueue } from './StageQueue';

const QUEUE = 'kargo_stage_queue';
const RESOURCES = 'kargo_resources';

/** The knex implementation of {@link StageQueue}. */
export class DatabaseStageQueue implements StageQueue {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly clock: () => number = Date.now,
  ) {}

  async touch(stages: Array<{ project: string; name: string }>) {
    const now = this.clock();
    const unique = [
      ...new Map(stages.map(s => [`${s.project}/${s.name}`, s])).values(),
    ];
    // One statement per chunk: applying a 1,000-Stage pipeline touches all.
    for (let i = 0; i < unique.length; i += 200) {
      await this.db(QUEUE)
        .insert(
          unique.slice(i, i + 200).map(({ project, name }) => ({
            project,
            name,
            due_at: now,
            touch_seq: 1,
          })),
        )
        .onConflict(['project', 'name'])
        .merge({
          due_at: now,
          touch_seq: this.db.raw('?? + 1', [`${QUEUE}.touch_seq`]),
        });
    }
  }

  async claimDue(options: {
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<StageClaim[]> {
    const now = this.clock();
    const candidates = await this.db(QUEUE)
      .where('due_at', '<=', now)
      .andWhere(free =>
        free
          .whereNull('claim_expires_at')
          .orWhere('claim_expires_at', '<', now),
      )
      .orderBy('due_at')
      .limit(options.limit)
      .select('project', 'name', 'touch_seq');
    const claims: StageClaim[] = [];
    for (const row of candidates) {
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
          claim_expires_at: now + options.leaseMs,
          claimed_touch_seq: this.db.ref('touch_seq'),
        });
      if (taken === 1) {
        claims.push({
          project: row.project,
          name: row.name,
          touchSeq: Number(row.touch_seq),
        });
      }
    }
    return claims;
  }

  async renew(claim: StageClaim, owner: string, leaseMs: number) {
    const renewed = await this.db(QUEUE)
      .where({ project: claim.project, name: claim.name, owner })
      .update({ claim_expires_at: this.clock() + leaseMs });
    return renewed === 1;
  }

  async complete(claim: StageClaim, owner: string, nextDueAt?: number) {
    const now = this.clock();
    // One statement: a touch during the reconciliation (counted in
    // touch_seq, not timed) keeps the Stage due now. Reading touch_seq first
    // and writing after would lose a touch committed in between.
    await this.db(QUEUE)
      .where({ project: claim.project, name: claim.name, owner })
      .update({
        owner: null,
        claim_expires_at: null,
        claimed_touch_seq: null,
        reconciled_at: now,
        due_at: this.db.raw(
          'case when touch_seq > coalesce(claimed_touch_seq, 0) then cast(? as bigint) else cast(? as bigint) end',
          [now, nextDueAt ?? null],
        ),
      });
  }

  async sweep(olderThanMs: number): Promise<number> {
    const now = this.clock();
    // Stages never seen get a row; then every settled, stale one is due.
    await this.db.raw(
      `insert into ${QUEUE} (project, name, due_at, touch_seq)
       select r.project, r.name, null, 0 from ${RESOURCES} r
       where r.kind = 'Stage' and not exists (
         select 1 from ${QUEUE} q where q.project = r.project and q.name = r.name
       )`,
    );
    return this.db(QUEUE)
      .whereNull('due_at')
      .andWhere(stale =>
        stale
          .whereNull('reconciled_at')
          .orWhere('reconciled_at', '<', now - olderThanMs),
      )
      .update({ due_at: now });
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = await this.db(QUEUE)
      .whereNotNull('due_at')
      .whereNull('owner')
      .min({ due: 'due_at' })
      .first();
    return row?.due === null || row?.due === undefined
      ? undefined
      : Number(row.due);
  }

  async prune(): Promise<number> {
    return deleteOrphans(this.db, QUEUE, 'Stage');
  }
}
