import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { Knex } from 'knex';
import { DatabaseKargoStore, LeaseLostError } from '../database';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { createEngineHarness } from './__testUtils__/engineHarness';
import { PromotionCreator } from './PromotionCreator';

/*
 * Several backend instances share one database and one promotion queue.
 * Each harness below is one instance (its own engine, runner, store, owner
 * and work directory) on the same knex, as the plugin runs in a replicated
 * deployment.
 *
 * Both cases also run on SQLite. Knex gives SQLite a single connection, so
 * statements and transactions there are serialized; the engines' claims are
 * not (they are a read, then a compare-and-set per row, as separate
 * statements), so two instances still interleave between them and the
 * ownership checks are exercised. What SQLite cannot show is truly parallel
 * transactions: that is what the PostgreSQL run is for.
 */

jest.setTimeout(180_000);

const databases = createTestDatabases();
const ACTOR = 'user:default/ann';
const PROJECT = 'shop';
const FREIGHT = 'f-1-0-0';

type Harness = Awaited<ReturnType<typeof createEngineHarness>>;

const base = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${PROJECT} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: ${PROJECT} }
spec:
  subscriptions:
    - image: { repoURL: registry.example.com/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: ${PROJECT}, name: ${FREIGHT} }
alias: v-1-0-0
origin: { kind: Warehouse, name: app }
images:
  - repoURL: registry.example.com/app
    tag: "1.0.0"
    digest: sha256:${'a'.repeat(64)}
`;

/** A Stage taking the Warehouse's Freight directly, running these steps. */
const stage = (name: string, steps: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: ${PROJECT} }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps: [${steps}]
`;

const pause = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Resolves with `promise`, or fails naming `what` after `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${ms} ms: ${what}`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

const openRows = async (knex: Knex) => {
  const [{ open }] = await knex('kargo_promotion_queue')
    .where('done', false)
    .count({ open: '*' });
  return Number(open);
};

describe.each(databases.eachSupportedId())(
  'promotion engine, several instances on %s',
  id => {
    let knex: Knex;
    let harnesses: Harness[] = [];

    const instance = async (
      options: Parameters<typeof createEngineHarness>[1],
    ) => {
      const h = await createEngineHarness(knex, options);
      harnesses.push(h);
      return h;
    };

    beforeEach(async () => {
      knex = await databases.init(id);
    });
    afterEach(async () => {
      jest.restoreAllMocks();
      await Promise.all(harnesses.map(h => h.close()));
      harnesses = [];
    });

    /** The record step's note of one run. */
    type Run = {
      promotion: string;
      stage: string;
      owner: string;
      /** Logical clock: both instances share this process. */
      start: number;
      end?: number;
      /** The phase of the Stage's previous Promotion when this one ran. */
      predecessorPhase?: string;
    };

    /**
     * Two instances whose `record` step notes each run and waits a few ms,
     * `stageCount` Stages, and `perStage` Promotions of one Freight to each,
     * created up front (all of a Stage's one after the other) without waking
     * an engine, so that both instances start from the same full queue.
     */
    async function twoInstances(options: {
      stageCount: number;
      perStage: number;
      concurrency: number;
      stepMs: () => number;
    }) {
      const stages = Array.from(
        { length: options.stageCount },
        (_, i) => `stage-${String(i).padStart(2, '0')}`,
      );
      /** Per Stage, its Promotions in creation order. */
      const created = new Map<string, string[]>(stages.map(s => [s, []]));
      const runs: Run[] = [];
      const problems: string[] = [];
      const runningOn = new Map<string, string>();
      let clock = 0;
      const reader = DatabaseKargoStore.fromClient(knex);

      const recorder = (owner: string): PromotionStepRunner => ({
        name: 'record',
        async run(ctx) {
          const me = `${ctx.promotion} (${owner})`;
          const run: Run = {
            promotion: ctx.promotion,
            stage: ctx.stage,
            owner,
            start: ++clock,
          };
          runs.push(run);
          const other = runningOn.get(ctx.stage);
          if (other) {
            problems.push(
              `${me} started while ${other} was running on Stage ${ctx.stage}`,
            );
          }
          runningOn.set(ctx.stage, me);
          const order = created.get(ctx.stage)!;
          const index = order.indexOf(ctx.promotion);
          if (index > 0) {
            const previous = await reader.getResource({
              kind: 'Promotion',
              project: PROJECT,
              name: order[index - 1],
            });
            run.predecessorPhase = String(previous?.status.phase);
          }
          await pause(options.stepMs());
          run.end = ++clock;
          if (runningOn.get(ctx.stage) === me) runningOn.delete(ctx.stage);
          return { status: 'Succeeded', output: { owner } };
        },
      });

      const a = await instance({
        owner: 'instance-a',
        concurrency: options.concurrency,
        steps: [recorder('instance-a')],
      });
      const b = await instance({
        owner: 'instance-b',
        concurrency: options.concurrency,
        steps: [recorder('instance-b')],
      });
      await a.apply(
        [base, ...stages.map(s => stage(s, '{ uses: record }'))].join('\n---'),
      );
      const creator = new PromotionCreator(a.queue);
      for (const s of stages) {
        for (let i = 0; i < options.perStage; i++) {
          const p = await creator.create(
            PROJECT,
            s,
            { freight: FREIGHT },
            ACTOR,
          );
          created.get(s)!.push(p.name);
        }
      }
      const total = stages.length * options.perStage;
      expect(await openRows(knex)).toBe(total);

      /** Ticks both engines together until the queue is drained (bounded). */
      async function runAll() {
        const deadline = Date.now() + 120_000;
        for (;;) {
          await Promise.all([
            a.engine.tick(),
            b.engine.tick(),
            // Between two Promotions of a Stage its reconciliation verifies
            // the Freight: the queue waits for that.
            a.stageEngine.tick(),
            b.stageEngine.tick(),
          ]);
          const open = await openRows(knex);
          // Done when no Promotion is open and no Stage awaits its
          // reconciliation (which marks the Freight verified there).
          const [{ due }] = await knex('kargo_stage_queue')
            .where('due_at', '<=', Date.now())
            .count({ due: '*' });
          if (open === 0 && Number(due) === 0) break;
          if (Date.now() > deadline) {
            throw new Error(
              `the two instances did not finish: ${open} of ${total} Promotions still open after 120 s, ${runs.length} step runs recorded`,
            );
          }
          await pause(25);
        }
        await within(
          30_000,
          'both engines going idle',
          Promise.all([
            a.engine.idle(),
            b.engine.idle(),
            a.stageEngine.idle(),
            b.stageEngine.idle(),
          ]),
        );
      }

      return { a, b, stages, created, runs, problems, total, runAll };
    }

    it('runs 200 Promotions on two instances: each exactly once, one at a time per Stage, in creation order', async () => {
      const { a, b, stages, created, runs, problems, total, runAll } =
        await twoInstances({
          stageCount: 20,
          perStage: 10,
          concurrency: 3,
          // A few ms, so runs on different Stages overlap across instances.
          stepMs: () => 2 + Math.floor(Math.random() * 8),
        });
      await runAll();

      // Each Promotion's step ran exactly once.
      const runsOf = new Map<string, Run[]>();
      for (const run of runs) {
        runsOf.set(run.promotion, [...(runsOf.get(run.promotion) ?? []), run]);
      }
      expect(
        [...runsOf]
          .filter(([, r]) => r.length > 1)
          .map(
            ([name, r]) =>
              `${name} ran ${r.length} times: ${r
                .map(x => x.owner)
                .join(', ')}`,
          ),
      ).toEqual([]);
      expect([...runsOf.keys()].sort()).toEqual(
        [...created.values()].flat().sort(),
      );
      expect(runs).toHaveLength(total);

      // Never two at once on a Stage, and each only after its predecessor
      // had finished (not merely after its predecessor's step had).
      expect(problems).toEqual([]);
      expect(
        runs
          .filter(
            r =>
              r.predecessorPhase !== undefined &&
              r.predecessorPhase !== 'Succeeded',
          )
          .map(
            r =>
              `${r.promotion} ran while its predecessor was ${r.predecessorPhase}`,
          ),
      ).toEqual([]);

      // Per Stage, in creation order (by start), with no overlap (by end).
      for (const s of stages) {
        const onStage = runs
          .filter(r => r.stage === s)
          .sort((x, y) => x.start - y.start);
        expect({ stage: s, order: onStage.map(r => r.promotion) }).toEqual({
          stage: s,
          order: created.get(s),
        });
        for (let i = 1; i < onStage.length; i++) {
          expect(onStage[i].start).toBeGreaterThan(onStage[i - 1].end!);
        }
      }

      // Both instances took part.
      const byOwner = (owner: string) =>
        runs.filter(r => r.owner === owner).length;
      expect(byOwner('instance-a')).toBeGreaterThan(0);
      expect(byOwner('instance-b')).toBeGreaterThan(0);

      // Each ended Succeeded, its outcome written by the instance that ran it.
      const stored = await a.store.listResources({
        kind: 'Promotion',
        project: PROJECT,
        order: 'name',
        limit: 1000,
      });
      expect(stored.items).toHaveLength(total);
      const wrong = stored.items
        .map(p => {
          const [run] = runsOf.get(p.name) ?? [];
          const metas = p.status.stepExecutionMetadata as any[];
          const ok =
            p.status.phase === 'Succeeded' &&
            p.status.currentStep === 1 &&
            metas.length === 1 &&
            metas[0].status === 'Succeeded' &&
            metas[0].errorCount === 0 &&
            (p.status.state as any)?.['step-0']?.owner === run?.owner;
          return ok ? undefined : `${p.name}: ${JSON.stringify(p.status)}`;
        })
        .filter(Boolean);
      expect(wrong).toEqual([]);

      // The queue is drained: nothing open, nothing still owned.
      const rows = await knex('kargo_promotion_queue').select(
        'name',
        'done',
        'owner',
        'claim_expires_at',
        'in_flight_step',
      );
      expect(rows).toHaveLength(total);
      expect(
        rows.filter(
          r =>
            !r.done ||
            r.owner !== null ||
            r.claim_expires_at !== null ||
            r.in_flight_step !== null,
        ),
      ).toEqual([]);

      // No claim lapsed and was taken over, and no instance logged trouble.
      const takeovers = await knex('kargo_promotion_logs')
        .where('message', 'like', '%takes over%')
        .select('promotion', 'message');
      expect(takeovers).toEqual([]);
      for (const h of [a, b]) {
        expect(h.logger.error).not.toHaveBeenCalled();
        expect(h.logger.warn).not.toHaveBeenCalled();
      }

      // Each Stage shows its last Promotion as the last one, none current.
      for (const s of stages) {
        const st = await a.store.getResource({
          kind: 'Stage',
          project: PROJECT,
          name: s,
        });
        expect(st!.status.currentPromotion).toBeUndefined();
        expect(st!.status.lastPromotion).toMatchObject({
          name: created.get(s)!.at(-1),
          status: { phase: 'Succeeded' },
        });
      }
    });

    it('shows a Freight promoted into 20 Stages at once as in, and verified in, every one of them', async () => {
      const { a, stages, runAll } = await twoInstances({
        stageCount: 20,
        perStage: 1,
        concurrency: 10,
        // Long enough for the Promotions to finish at about the same time.
        stepMs: () => 20,
      });
      await runAll();
      for (const s of stages) {
        const st = await a.store.getResource({
          kind: 'Stage',
          project: PROJECT,
          name: s,
        });
        expect({ stage: s, status: st!.status }).toMatchObject({
          stage: s,
          status: {
            lastPromotion: { status: { phase: 'Succeeded' } },
            freightHistory: [{ items: { 'Warehouse/app': { name: FREIGHT } } }],
          },
        });
      }
      // Each finishing Promotion adds its Stage to the Freight's status:
      // none may write over another's addition.
      const freight = await a.store.getFreight(PROJECT, FREIGHT);
      expect(Object.keys(freight!.status.currentlyIn as object).sort()).toEqual(
        stages,
      );
      expect(Object.keys(freight!.status.verifiedIn as object).sort()).toEqual(
        stages,
      );
    });

    it('lets another instance take over a Promotion whose owner stopped renewing its claim, and refuses the old owner’s late write', async () => {
      const LEASE_MS = 2400;
      const gates = { a: deferred(), b: deferred() };
      const started = { a: deferred(), b: deferred() };
      const attempts: Array<{ owner: string; resumed: boolean }> = [];
      /** Blocks until its instance's gate opens (or the run is stopped). */
      const blocking = (key: 'a' | 'b'): PromotionStepRunner => ({
        name: 'block',
        async run(ctx) {
          attempts.push({ owner: `instance-${key}`, resumed: ctx.resumed });
          started[key].resolve();
          await Promise.race([
            gates[key].promise,
            new Promise(r =>
              ctx.signal.addEventListener('abort', r, { once: true }),
            ),
          ]);
          ctx.log(`finished on instance-${key}`);
          return { status: 'Succeeded', output: { owner: `instance-${key}` } };
        },
      });
      const a = await instance({
        owner: 'instance-a',
        leaseMs: LEASE_MS,
        concurrency: 1,
        steps: [blocking('a')],
      });
      const b = await instance({
        owner: 'instance-b',
        concurrency: 1,
        steps: [blocking('b')],
      });
      await a.apply(`${base}\n---${stage('qa', '{ uses: block, as: work }')}`);
      const p = await new PromotionCreator(a.queue).create(
        PROJECT,
        'qa',
        { freight: FREIGHT },
        ACTOR,
      );
      const row = () =>
        knex('kargo_promotion_queue').where({ name: p.name }).first();

      await a.engine.tick();
      await within(20_000, 'instance A starting the step', started.a.promise);
      expect(await row()).toMatchObject({ owner: 'instance-a' });

      // While A renews its claim, B cannot take the Promotion, however
      // often it looks, well past the lease.
      const heldUntil = Date.now() + 2.5 * LEASE_MS;
      while (Date.now() < heldUntil) {
        await b.engine.tick();
        await pause(100);
      }
      expect(attempts).toEqual([{ owner: 'instance-a', resumed: false }]);
      expect(await row()).toMatchObject({ owner: 'instance-a' });

      // A "dies": its process stalls / loses the database, so its
      // heartbeats stop reaching the queue. Its step is still in flight.
      jest
        .spyOn(a.queue, 'heartbeat')
        .mockRejectedValue(new Error('connection to the database lost'));
      const refused: unknown[] = [];
      const transaction = a.queue.transaction.bind(a.queue);
      jest.spyOn(a.queue, 'transaction').mockImplementation(fn =>
        transaction(fn).catch(error => {
          refused.push(error);
          throw error;
        }),
      );

      // B takes over once the lease has lapsed.
      const takeoverBy = Date.now() + 30_000;
      let taken = false;
      while (!taken) {
        await b.engine.tick();
        taken = await Promise.race([
          started.b.promise.then(() => true),
          pause(100).then(() => false),
        ]);
        if (!taken && Date.now() > takeoverBy) {
          throw new Error(
            `instance B did not take over within 30 s; queue row: ${JSON.stringify(
              await row(),
            )}`,
          );
        }
      }
      expect(await row()).toMatchObject({ owner: 'instance-b' });

      // A wakes up and finishes its step: its write is refused (fenced by
      // the claim), so nothing of it lands; B still holds the Promotion.
      gates.a.resolve();
      await within(20_000, 'instance A giving up', a.engine.idle());
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(LeaseLostError);
      expect(a.logger.error).not.toHaveBeenCalled();
      expect(await row()).toMatchObject({ owner: 'instance-b' });
      const midway = (await a.promotion(PROJECT, p.name))!;
      expect(midway.status.phase).toBe('Running');
      expect((midway.status.state as any)?.work).toBeUndefined();
      expect((midway.status.stepExecutionMetadata as any[])[0].status).toBe(
        'Running',
      );

      // B finishes: the Promotion ends once, Succeeded, with B's outcome.
      gates.b.resolve();
      await within(20_000, 'instance B finishing', b.engine.idle());
      const done = (await b.promotion(PROJECT, p.name))!;
      expect(done.status.phase).toBe('Succeeded');
      expect(done.status.message).toBeUndefined();
      expect(done.status.state).toEqual({ work: { owner: 'instance-b' } });
      expect(attempts.map(x => x.owner)).toEqual(['instance-a', 'instance-b']);
      expect(await row()).toMatchObject({
        owner: null,
        claim_expires_at: null,
      });
      expect(Boolean((await row()).done)).toBe(true);
      expect(await openRows(knex)).toBe(0);
      expect(b.logger.error).not.toHaveBeenCalled();

      const [step] = await b.service.steps(PROJECT, p.name);
      const messages = step.logs.map(l => l.message);
      expect(messages).toContain(
        'instance instance-a stopped renewing its claim; instance-b takes over',
      );
      expect(messages).toContain('finished on instance-b');
      expect(messages).not.toContain('finished on instance-a');

      const qa = await b.store.getResource({
        kind: 'Stage',
        project: PROJECT,
        name: 'qa',
      });
      expect(qa!.status.currentPromotion).toBeUndefined();
      expect(qa!.status.lastPromotion).toMatchObject({
        name: p.name,
        status: { phase: 'Succeeded' },
      });
      expect(qa!.status.freightHistory).toHaveLength(1);
    });
  },
);
