/**
 * Our side of the promotion figures: the engine wired as the plugin wires
 * it (createEngineHarness: DatabaseKargoStore, DatabasePromotionQueue,
 * PromotionRunner with the built-in steps, PromotionEngine, PromotionService)
 * on a fresh database. Promotions are created through PromotionService, which
 * wakes the engine as the API does; the harness sees each finish when the
 * runner reports the transaction that wrote its final phase committed (the
 * hook the plugin's notifications use), then reads the phases once.
 */
import type { Knex } from 'knex';
import { createEngineHarness } from '../../src/promotions/__testUtils__/engineHarness';
import type { StepMeta } from '../../src/promotions/stepStatus';
import { countingLogger } from '../countingLogger';
import type { DatabaseProvider, FreshDatabase } from '../databases';
import { now, percentile } from '../measure';

const ACTOR = 'user:default/bench';
/** Production also ticks every 2 s (startPromotionEngine's scheduler task). */
const SCHEDULER_TICK_MS = 2000;

export type EngineJob = { stage: string; freight: string };

export type EngineBatch = {
  /** Per job (input order): its create call started → finished seen, ms. */
  latencies: number[];
  /** First create started → last finish seen. */
  seconds: number;
  /** First create started → last create returned. */
  createSeconds: number;
  /** Jobs whose Promotion did not reach Succeeded (name: phase, message). */
  failures: string[];
  /** Promotion names, input order. */
  names: string[];
};

export type EngineSide = Awaited<ReturnType<typeof openEngine>>;

/** A fresh database with the engine over it and `yaml` applied. */
export async function openEngine(
  provider: DatabaseProvider,
  dbName: string,
  yaml: string,
  concurrency: number,
) {
  const db: FreshDatabase = await provider.open(dbName);
  const log = countingLogger();
  const listeners = new Set<(project: string, name: string) => void>();
  try {
    const harness = await createEngineHarness(db.knex, {
      owner: `bench:${process.pid}`,
      logger: log.logger,
      concurrency,
      onEnded: (project, name) => {
        for (const listener of listeners) listener(project, name);
      },
    });
    await harness.apply(yaml).catch(async error => {
      await harness.close();
      throw error;
    });
    // The scheduler's periodic ticks, so nothing waits on a missed poke:
    // the promotion engine's, and the Stage engine's where the harness has
    // one (Stage health and verification gate a Stage's next Promotion).
    const loops: Array<{ poke(): Promise<void> }> = [harness.engine];
    if ('stageEngine' in harness) {
      loops.push(harness.stageEngine as { poke(): Promise<void> });
    }
    const ticker = setInterval(() => {
      for (const loop of loops) void loop.poke();
    }, SCHEDULER_TICK_MS);
    return {
      harness,
      knex: db.knex,
      log,
      /** Calls `listener` as each Promotion's final phase is committed. */
      onEnded(listener: (project: string, name: string) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async close() {
        clearInterval(ticker);
        await harness.close().catch(() => {});
        await db.dispose();
      },
    };
  } catch (error) {
    await db.dispose();
    throw error;
  }
}

/**
 * Creates one Promotion per job, in order, as fast as the service answers,
 * and waits until all of them have finished (or `timeoutMs`).
 */
export async function promoteBatch(
  engine: EngineSide,
  project: string,
  jobs: EngineJob[],
  options: { timeoutMs: number },
): Promise<EngineBatch> {
  const { knex, harness } = engine;
  const startedAt = new Map<string, number>();
  // Every Promotion of the project that ends from now on: one of this batch
  // may end before its create call has returned its name.
  const finishedAt = new Map<string, number>();
  const names: string[] = [];
  const start = now();
  let created = false;
  const allFinished = () => created && names.every(n => finishedAt.has(n));
  let settled!: () => void;
  const finished = new Promise<void>(resolve => {
    settled = resolve;
  });
  const stopListening = engine.onEnded((p, name) => {
    if (p !== project || finishedAt.has(name)) return;
    finishedAt.set(name, now());
    if (allFinished()) settled();
  });
  const deadline = setTimeout(settled, options.timeoutMs);
  let createSeconds = NaN;
  try {
    for (const job of jobs) {
      const begin = now();
      const promotion = await harness.service.create(
        project,
        job.stage,
        { freight: job.freight },
        ACTOR,
      );
      startedAt.set(promotion.name, begin);
      names.push(promotion.name);
    }
    createSeconds = (now() - start) / 1000;
  } finally {
    created = true;
    if (allFinished()) settled();
    await finished;
    clearTimeout(deadline);
    stopListening();
  }
  // Running ones (after a timeout) end at engine.stop in close().
  if (allFinished()) await harness.engine.idle();
  const last = Math.max(...names.map(n => finishedAt.get(n) ?? NaN));
  const failures: string[] = [];
  const phases = await readPromotions(knex, project);
  for (const name of names) {
    const p = phases.get(name);
    if (!finishedAt.has(name)) {
      failures.push(
        `${name}: not finished after ${options.timeoutMs / 1000} s (${[
          p?.phase,
          p?.message,
        ]
          .filter(Boolean)
          .join(': ')})`,
      );
    } else if (p?.phase !== 'Succeeded') {
      failures.push(`${name}: ${p?.phase} ${p?.message ?? ''}`.trim());
    }
  }
  return {
    latencies: names.map(n => (finishedAt.get(n) ?? NaN) - startedAt.get(n)!),
    seconds: (last - start) / 1000,
    createSeconds,
    failures,
    names,
  };
}

type PromotionRow = {
  phase?: string;
  message?: string;
  /** Step kind (uses) → its duration, ms. */
  steps: Array<{ uses: string; ms: number }>;
};

/** Phase, message and step durations of every Promotion of `project`. */
export async function readPromotions(
  knex: Knex,
  project: string,
): Promise<Map<string, PromotionRow>> {
  const rows = await knex('kargo_resources')
    .where({ kind: 'Promotion', project })
    .select('name', 'spec', 'status');
  const out = new Map<string, PromotionRow>();
  for (const row of rows) {
    const spec = JSON.parse(row.spec);
    const status = JSON.parse(row.status ?? '{}');
    const metas = (status.stepExecutionMetadata ?? []) as StepMeta[];
    out.set(row.name, {
      phase: status.phase,
      message: status.message,
      steps: metas.map((m, i) => ({
        uses: spec.steps?.[i]?.uses ?? m.alias,
        ms:
          m.startedAt && m.finishedAt
            ? Date.parse(m.finishedAt) - Date.parse(m.startedAt)
            : NaN,
      })),
    });
  }
  return out;
}

/** Pushes git-push had to repeat because the branch moved (from the step logs). */
export async function repeatedPushes(
  knex: Knex,
  project: string,
): Promise<number> {
  const [{ n }] = await knex('kargo_promotion_logs')
    .where({ project })
    .andWhere('message', 'like', '%moved before the push%')
    .count({ n: '*' });
  return Number(n);
}

/** Median duration of each step kind, and what the backend logged. */
export function enginePromotionNotes(
  label: string,
  promotions: PromotionRow[],
  engine: EngineSide,
): string[] {
  const byStep = new Map<string, number[]>();
  for (const p of promotions) {
    for (const s of p.steps) {
      if (!byStep.has(s.uses)) byStep.set(s.uses, []);
      byStep.get(s.uses)!.push(s.ms);
    }
  }
  const { counts, errors, warnings } = engine.log;
  return [
    `${label}: engine step durations from status.stepExecutionMetadata (ms resolution), median over ${
      promotions.length
    } Promotions: ${[...byStep]
      .map(([uses, ms]) => `${uses} ${percentile(ms, 50).toFixed(0)} ms`)
      .join(', ')}`,
    `${label}: backend log: ${counts.error} errors, ${counts.warn} warnings${
      errors.length ? `; first errors: ${errors.join(' | ')}` : ''
    }${warnings.length ? `; first warnings: ${warnings.join(' | ')}` : ''}`,
  ];
}
