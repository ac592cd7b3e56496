import { deleteOrphans } from './deleteOrphans';
import { Knex } from 'knex';
import {
  DatabaseKargoStore,
  type StoreChangeListener,
} from './DatabaseKargoStore';
import { DatabaseStageQueue } from './DatabaseStageQueue';
import type { StageQueue } from './StageQueue';
import type { KargoStore } from './KargoStore';
import type {
  AbortRequest,
  PromotionClaim,
  PromotionLogLine,
  PromotionQueue,
  PromotionQueueUpdate,
} from './PromotionQueue';

const QUEUE = 'kargo_promotion_queue';
const LOGS = 'kargo_promotion_logs';
const RESOURCES = 'kargo_resources';

type QueueRow = {
  seq: number | string;
  project: string;
  name: string;
  stage: string;
  done: boolean | number;
  owner: string | null;
  claim_expires_at: number | string | null;
  not_before: number | string;
  in_flight_step: number | string | null;
  abort_requested_by: string | null;
};

const num = (v: number | string | null | undefined) =>
  v === null || v === undefined ? undefined : Number(v);

/** The knex implementation of {@link PromotionQueue}. */
export class DatabasePromotionQueue implements PromotionQueue {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly clock: () => number = Date.now,
    /** Passed to the stores of its transactions (live updates). */
    private readonly onChange?: StoreChangeListener,
  ) {}

  async transaction<T>(
    fn: (
      store: KargoStore,
      queue: PromotionQueue,
      stages: StageQueue,
    ) => Promise<T>,
  ): Promise<T> {
    if (this.db.isTransaction) {
      return fn(
        DatabaseKargoStore.fromClient(this.db, this.onChange),
        this,
        new DatabaseStageQueue(this.db, this.clock),
      );
    }
    return (this.db as Knex).transaction(trx =>
      fn(
        DatabaseKargoStore.fromClient(trx, this.onChange),
        new DatabasePromotionQueue(trx, this.clock, this.onChange),
        new DatabaseStageQueue(trx, this.clock),
      ),
    );
  }

  async enqueue(entry: {
    project: string;
    name: string;
    stage: string;
  }): Promise<void> {
    await this.db(QUEUE).insert({
      ...entry,
      done: false,
      not_before: 0,
      created_at: this.clock(),
    });
  }

  /** Unfinished rows with no unfinished row of the same Stage before them. */
  private heads(now: number) {
    return this.db<QueueRow>(`${QUEUE} as q`)
      .join(`${RESOURCES} as r`, join =>
        join
          .on('r.project', 'q.project')
          .andOn('r.name', 'q.name')
          .andOnVal('r.kind', 'Promotion'),
      )
      .where('q.done', false)
      .whereNotExists(
        this.db(`${QUEUE} as e`)
          .select(this.db.raw('1'))
          .where('e.done', false)
          .andWhereRaw('e.project = q.project')
          .andWhereRaw('e.stage = q.stage')
          .andWhereRaw('e.seq < q.seq'),
      )
      .andWhere(free =>
        free
          .whereNull('q.claim_expires_at')
          .orWhere('q.claim_expires_at', '<', now),
      );
  }

  async claim(options: {
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<PromotionClaim[]> {
    const now = this.clock();
    const rows: QueueRow[] = await this.heads(now)
      .where('q.not_before', '<=', now)
      .orderBy('q.seq')
      .limit(options.limit)
      .select('q.*');
    const claims: PromotionClaim[] = [];
    for (const row of rows) {
      // Compare-and-set: one instance turns a free row into its claim.
      const taken = await this.db(QUEUE)
        .where({ seq: row.seq, done: false })
        .andWhere(free =>
          free
            .whereNull('claim_expires_at')
            .orWhere('claim_expires_at', '<', now),
        )
        .update({
          owner: options.owner,
          claimed_at: now,
          claim_expires_at: now + options.leaseMs,
          // This run sees everything that woke it so far.
          wake_requested: false,
        });
      if (taken !== 1) continue;
      claims.push({
        project: row.project,
        name: row.name,
        stage: row.stage,
        seq: Number(row.seq),
        previousOwner:
          row.owner && row.owner !== options.owner ? row.owner : undefined,
        inFlightStep: num(row.in_flight_step),
        abortRequestedBy: row.abort_requested_by ?? undefined,
      });
    }
    return claims;
  }

  async heartbeat(
    claim: PromotionClaim,
    owner: string,
    leaseMs: number,
  ): Promise<{ held: boolean; abortRequestedBy?: string }> {
    // One statement: every step's outcome is written behind a heartbeat.
    const rows: Array<Pick<QueueRow, 'abort_requested_by'>> = await this.db(
      QUEUE,
    )
      .where({ project: claim.project, name: claim.name, owner, done: false })
      .update({ claim_expires_at: this.clock() + leaseMs })
      .returning(['abort_requested_by']);
    if (rows.length !== 1) return { held: false };
    return {
      held: true,
      abortRequestedBy: rows[0].abort_requested_by ?? undefined,
    };
  }

  async update(
    claim: PromotionClaim,
    owner: string,
    changes: PromotionQueueUpdate,
  ): Promise<boolean> {
    const set: Record<string, unknown> = {};
    if (changes.inFlightStep !== undefined) {
      set.in_flight_step = changes.inFlightStep;
    }
    if (changes.release || changes.done) {
      // A released row keeps its in-flight step: whoever runs it next must
      // know that step was interrupted.
      Object.assign(set, {
        owner: null,
        claimed_at: null,
        claim_expires_at: null,
      });
    }
    if (changes.done) set.in_flight_step = null;
    if (changes.release) {
      // Woken while it ran: due at once instead of parked.
      set.not_before = this.db.raw(
        'case when wake_requested then 0 else cast(? as bigint) end',
        [changes.release.notBefore],
      );
      set.wake_requested = false;
    }
    if (changes.done) set.done = true;
    const count = await this.db(QUEUE)
      .where({ project: claim.project, name: claim.name, owner, done: false })
      .update(set);
    return count === 1;
  }

  async requestAbort(
    project: string,
    name: string,
    actor: string,
  ): Promise<AbortRequest> {
    const row = await this.db<QueueRow>(QUEUE).where({ project, name }).first();
    if (!row) return { state: 'missing' };
    if (row.done) return { state: 'done' };
    await this.db(QUEUE)
      .where({ project, name })
      .update({ abort_requested_by: actor });
    const expires = num(row.claim_expires_at);
    if (row.owner && expires !== undefined && expires >= this.clock()) {
      return { state: 'running', owner: row.owner };
    }
    return { state: 'unclaimed' };
  }

  async finishUnclaimed(project: string, name: string): Promise<boolean> {
    const now = this.clock();
    const count = await this.db(QUEUE)
      .where({ project, name, done: false })
      .andWhere(free =>
        free
          .whereNull('claim_expires_at')
          .orWhere('claim_expires_at', '<', now),
      )
      .update({
        done: true,
        owner: null,
        claimed_at: null,
        claim_expires_at: null,
        in_flight_step: null,
      });
    return count === 1;
  }

  async position(project: string, name: string): Promise<number | undefined> {
    const row = await this.db<QueueRow>(QUEUE).where({ project, name }).first();
    if (!row || row.done) return undefined;
    const [{ ahead }] = await this.db(QUEUE)
      .where({ project, stage: row.stage, done: false })
      .andWhere('seq', '<', row.seq)
      .count({ ahead: '*' });
    return Number(ahead);
  }

  async appendLogs(
    project: string,
    promotion: string,
    lines: PromotionLogLine[],
  ): Promise<void> {
    if (!lines.length) return;
    await this.db.batchInsert(
      LOGS,
      lines.map(l => ({ project, promotion, ...l })),
      200,
    );
  }

  async readLogs(
    project: string,
    promotion: string,
  ): Promise<PromotionLogLine[]> {
    const rows = await this.db(LOGS)
      .where({ project, promotion })
      .orderBy('id')
      .select('step', 'at', 'message');
    return rows.map(r => ({
      step: Number(r.step),
      at: Number(r.at),
      message: r.message,
    }));
  }

  async lapsed(): Promise<
    Array<{ project: string; name: string; owner: string; expiredAt: number }>
  > {
    const rows: QueueRow[] = await this.db<QueueRow>(QUEUE)
      .where('done', false)
      .whereNotNull('owner')
      .andWhere('claim_expires_at', '<', this.clock())
      .select('project', 'name', 'owner', 'claim_expires_at');
    return rows.map(r => ({
      project: r.project,
      name: r.name,
      owner: r.owner!,
      expiredAt: Number(r.claim_expires_at),
    }));
  }

  async wakeStage(project: string, stage: string): Promise<void> {
    // One statement: a released row is due now; a claimed one is marked, so
    // that its release leaves it due. Two statements would lose the wake-up
    // when the release commits between them (PostgreSQL re-reads the row
    // after its lock and would find neither condition true).
    await this.db(QUEUE)
      .where({ project, stage, done: false })
      .update({
        wake_requested: true,
        not_before: this.db.raw(
          'case when owner is null then 0 else not_before end',
        ),
      });
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = await this.heads(this.clock()).min({ at: 'q.not_before' });
    return num((row[0] as { at?: number | string | null })?.at);
  }

  async prune(): Promise<number> {
    return (
      (await deleteOrphans(this.db, QUEUE, 'Promotion')) +
      (await deleteOrphans(this.db, LOGS, 'Promotion', 'promotion'))
    );
  }
}
