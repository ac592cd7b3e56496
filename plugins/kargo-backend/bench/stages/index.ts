/**
 * The "Stages" section (issue 5), run once per database in a process of its
 * own: how long the Stage engine takes to settle after a new Freight, and
 * what the backend costs while idle, on the real plugin with Backstage's
 * real scheduler. A figure that goes wrong is a failure.
 */
import type { DatabaseProvider } from '../databases';
import type { BenchFigure, Log } from '../figures';
import { now } from '../measure';
import type { PromotionsResult } from '../promotions/types';
import { argocdHealthFigures } from './argocdHealthFigures';
import { EngineOptions, engineFigures } from './engineFigures';
import { PIPELINE } from './fixture';

export type StagesOptions = EngineOptions & {
  /** Applications turning Healthy, per mode (watch, poll only). */
  argocdReps: number;
};

export type StagesResult = Omit<PromotionsResult, 'figures'> & {
  figures: BenchFigure[];
};

export function stagesDescription(o: StagesOptions): string[] {
  const per = PIPELINE.auto + PIPELINE.gate + PIPELINE.final;
  return [
    `Backend: bench/backend.ts (the real plugin) with Backstage's real scheduler service (schedulerServiceFactory from @backstage/backend-defaults/scheduler) in place of the mock, so the Stage engine's 1 s tick, the promotion engine's and discovery's 2 s ticks and the global sweeps run as in production, in the benchmark's own process; chosen over the child-process backend (childBackend.ts) because it keeps the same services as the other sections and lets the harness read the database directly, while the scheduler — the one thing idle CPU depends on — is the production one`,
    `Fixture: one project, ${
      o.warehouses
    } Warehouses each feeding its own pipeline of ${per} Stages (${
      o.warehouses * per
    } in all): ${
      PIPELINE.auto
    } Stages taking its Freight directly with a no-op step and auto-promotion enabled by a ProjectConfig promotion policy (glob:*-auto-*), ${
      PIPELINE.gate
    } control-flow Stages (no steps) taking from them, ${
      PIPELINE.final
    } Stages with the no-op step (no auto-promotion) taking from two gates each; ${
      o.freight
    } Freight (${Math.floor(
      o.freight / o.warehouses,
    )} per Warehouse, oldest first), everything applied through POST /v1beta1/resources. The no-op step and a Warehouse subscription type that discovers nothing come from a backend module through the kargo-node extension points (no git, registry or network)`,
    `Settle: one new Freight applied through the API for one Warehouse (another one each repetition); timed from the request until, on one poll (every 5 ms), the Freight is verified in its pipeline's auto and gate Stages (so the two auto-promotions ran and the gates passed it on, touching the final Stages) and the engine is settled: no row of kargo_stage_queue due (due_at ≤ now) or claimed, no Promotion open in kargo_promotion_queue`,
    `Argo CD health latency: a fresh backend (the same real plugin and scheduler) on a fresh database per mode, with kargo.argocd pointing at the in-process fake Kubernetes API (src/argocd/__testUtils__, with its fake application controller finishing syncs); one project with ${o.argocdReps} Stages, each promoted once (POST …/promotions) with one argocd-update step for an Application of its own, whose sync ends with the workload still Progressing. Then, one Application at a time, after a random 0.2–1.2 s pause (out of step with the engine's 1 s tick), the harness writes health Healthy into the Application (as Argo CD's controller would) and times until the Stage's stored status.health.status is Healthy (polled every 2 ms)`,
    `Idle CPU: process.cpuUsage() of the benchmark process (which is the backend; the harness sleeps) over ${o.idleSeconds} s of wall time, after the fixture settled and 2 s more; on PostgreSQL the server's own CPU is not counted`,
  ];
}

export async function runStages(
  provider: DatabaseProvider,
  options: StagesOptions,
  log: Log,
): Promise<StagesResult> {
  const started = now();
  const result: StagesResult = {
    database: provider.label,
    version: await provider.version(),
    figures: [],
    notes: [],
    skipped: [],
    failures: [],
    seconds: 0,
  };
  try {
    const done = await engineFigures(provider, options, log);
    result.figures.push(...done.figures);
    result.notes.push(...done.notes);
  } catch (error) {
    result.failures.push(
      `Stage engine on ${provider.label}: ${(error as Error).message}`,
    );
  }
  try {
    const argo = await argocdHealthFigures(provider, options.argocdReps, log);
    result.figures.push(...argo.figures);
    result.notes.push(...argo.notes);
  } catch (error) {
    result.failures.push(
      `Argo CD health latency on ${provider.label}: ${
        (error as Error).message
      }`,
    );
  }
  result.seconds = (now() - started) / 1000;
  return result;
}
