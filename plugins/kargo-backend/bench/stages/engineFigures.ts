/**
 * Settle-after-new-Freight and idle CPU on one database: the real plugin
 * (bench/backend.ts with Backstage's real scheduler, so the engines' 1 s / 2 s
 * ticks and the global sweeps run as in production) over the fleet fixture.
 */
import { DatabaseKargoStore } from '../../src/database';
import { startBenchBackend } from '../backend';
import type { DatabaseProvider } from '../databases';
import type { BenchFigure, Log } from '../figures';
import { now, percentile } from '../measure';
import {
  applyYaml,
  freightYaml,
  noopModule,
  pipelinesYaml,
  PROJECT,
  verifiedStagesOf,
} from './fixture';
import { isSettled, verifiedIn, waitFor } from './settle';

export type EngineOptions = {
  warehouses: number;
  freight: number;
  /** New Freight, one at a time, each on another Warehouse. */
  settleReps: number;
  idleSeconds: number;
};

const CPU_TARGET_PERCENT = 2;
/** Alternates a status field between 0 and 1, so every write changes it. */
const r0 = (v: unknown) => (v === 1 ? 0 : 1);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** CPU time of this process over `seconds` of wall time, % of one core. */
async function cpuPercent(seconds: number): Promise<number> {
  const start = process.cpuUsage();
  const wall = now();
  await sleep(seconds * 1000);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1000 / (now() - wall)) * 100;
}

export async function engineFigures(
  provider: DatabaseProvider,
  o: EngineOptions,
  log: Log,
): Promise<{ figures: BenchFigure[]; notes: string[] }> {
  const db = provider.label;
  const notes: string[] = [];

  // Idle baseline first, in a fresh backend on its own database.
  const bare = await provider.open('stages_bare');
  let bareCpu: number;
  try {
    const backend = await startBenchBackend(bare.knex, [], undefined, {
      realScheduler: true,
      kargo: false,
    });
    await sleep(2000);
    log(`idle baseline (no Kargo plugin): ${o.idleSeconds} s`);
    bareCpu = await cpuPercent(o.idleSeconds);
    await backend.stop();
  } finally {
    await bare.dispose();
  }

  const fresh = await provider.open('stages');
  const { knex } = fresh;
  try {
    const backend = await startBenchBackend(knex, [], undefined, {
      realScheduler: true,
      features: [noopModule],
    });
    try {
      const perWarehouse = Math.floor(o.freight / o.warehouses);
      let loadStart = now();
      await applyYaml(backend.baseUrl, pipelinesYaml(o.warehouses));
      // Oldest first, 10 Warehouses' Freight per request.
      for (let w0 = 0; w0 < o.warehouses; w0 += 10) {
        const docs: string[] = [];
        for (let i = 0; i < perWarehouse; i++)
          for (let w = w0; w < Math.min(w0 + 10, o.warehouses); w++)
            docs.push(freightYaml(w, i));
        await applyYaml(backend.baseUrl, docs.join(''));
      }
      const applied = (now() - loadStart) / 1000;
      loadStart = now();
      const settledAt = await waitFor(() => isSettled(knex), {
        pollMs: 100,
        timeoutMs: 600_000,
        confirmations: 5,
      });
      const [{ n: stageCount }] = await knex('kargo_resources')
        .where({ kind: 'Stage', project: PROJECT })
        .count({ n: '*' });
      const [{ n: promotions }] = await knex('kargo_resources')
        .where({ kind: 'Promotion', project: PROJECT })
        .count({ n: '*' });
      notes.push(
        `${db}: fixture (${stageCount} Stages, ${o.warehouses} Warehouses, ${
          perWarehouse * o.warehouses
        } Freight) applied through the API in ${applied.toFixed(
          1,
        )} s; the engine then settled in ${(
          (settledAt - loadStart) /
          1000
        ).toFixed(1)} s after ${promotions} auto-promotions`,
      );
      log(notes[notes.length - 1]);

      // One new Freight at a time.
      const settle: number[] = [];
      const reconciled: number[] = [];
      for (let r = 0; r < o.settleReps; r++) {
        const w = (r * 7) % o.warehouses;
        const name = `w${String(w).padStart(2, '0')}-f${String(
          perWarehouse + r,
        ).padStart(4, '0')}`;
        const expected = verifiedStagesOf(w);
        const wall = Date.now();
        const start = now();
        await applyYaml(backend.baseUrl, freightYaml(w, perWarehouse + r));
        const end = await waitFor(
          async () => {
            const inStages = await verifiedIn(knex, PROJECT, name);
            return (
              expected.every(s => inStages.includes(s)) &&
              (await isSettled(knex))
            );
          },
          { pollMs: 5, timeoutMs: 60_000 },
        );
        settle.push(end - start);
        const [{ n }] = await knex('kargo_stage_queue')
          .where('reconciled_at', '>=', wall)
          .count({ n: '*' });
        reconciled.push(Number(n));
        await sleep(1000);
      }

      // Baseline: as many Stage status writes through the store, serially.
      const store = DatabaseKargoStore.fromClient(knex);
      const stages = (
        await knex('kargo_resources')
          .where({ kind: 'Stage', project: PROJECT })
          .orderBy('name')
          .select('name')
      ).map(row => row.name as string);
      const writes: number[] = [];
      for (const count of reconciled) {
        const start = now();
        for (let i = 0; i < count; i++) {
          await store.updateStatusWith(
            { kind: 'Stage', project: PROJECT, name: stages[i] },
            s => ({ ...s.status, benchWrite: r0(s.status.benchWrite) }),
          );
        }
        writes.push(now() - start);
      }
      for (const name of stages.slice(0, Math.max(...reconciled))) {
        await store.updateStatusWith(
          { kind: 'Stage', project: PROJECT, name },
          ({ status: { benchWrite: _, ...rest } }) => rest,
        );
      }
      await waitFor(() => isSettled(knex), {
        pollMs: 100,
        timeoutMs: 60_000,
        confirmations: 5,
      });
      await sleep(2000);
      log(`idle with the fixture settled: ${o.idleSeconds} s`);
      const kargoCpu = await cpuPercent(o.idleSeconds);

      return {
        notes,
        figures: [
          {
            title: `Settle after one new Freight (${stageCount} Stages, ${o.warehouses} Warehouses, ${o.freight} Freight; ${o.settleReps} new Freight)`,
            database: db,
            baseline: `the same number of Stage status writes (read, compare, write with a changed field: DatabaseKargoStore.updateStatusWith, one after the other) as Stages the engine reconciled during that settle — the database work a reconciliation pass cannot do without; the engine additionally reads Freight and upstream Stages, creates and runs the Promotions, and waits on its queue`,
            stats: [
              {
                label: 'p50',
                unit: 'ms',
                ours: percentile(settle, 50),
                baseline: percentile(writes, 50),
              },
              {
                label: 'max',
                unit: 'ms',
                ours: Math.max(...settle),
                baseline: Math.max(...writes),
              },
              {
                label: 'Stages reconciled (p50)',
                unit: 'count',
                ours: percentile(reconciled, 50),
              },
            ],
          },
          {
            title: `Backend CPU while idle, ${o.idleSeconds} s, fixture settled`,
            database: db,
            baseline: `the same backend (same services, Backstage's real scheduler) without the Kargo plugin, idle over the same window in the same process: what Node, the HTTP server and the core services cost at rest`,
            stats: [
              {
                label: '% of one core',
                unit: 'count',
                ours: kargoCpu,
                oursText: `${kargoCpu.toFixed(2)} %`,
                baseline: bareCpu,
                baselineText: `${bareCpu.toFixed(2)} %`,
                target: {
                  text: `< ${CPU_TARGET_PERCENT} %`,
                  met: kargoCpu < CPU_TARGET_PERCENT,
                },
              },
            ],
          },
        ],
      };
    } finally {
      await backend.stop();
    }
  } finally {
    await fresh.dispose();
  }
}
