import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { StageHealthChecker } from '@kargo-backstage/plugin-kargo-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  DatabaseAnalysisRuns,
  DatabaseStageQueue,
  KargoStore,
  PromotionQueue,
  StoredResource,
} from '../database';
import type { PromotionRequest } from '../promotions/PromotionCreator';
import type { PromotionGate } from '../promotions/PromotionGate';
import { durationSetting } from '../config/durationSetting';
import { EgressPolicy } from '../promotions/steps/http/egressPolicy';
import type { SecretsProvider } from '../secrets';
import { createMetricProviders } from '../verification/analysis';
import { AnalysisVerifier } from './AnalysisVerifier';
import { StageEngine } from './StageEngine';
import { StageReconciler } from './StageReconciler';
import { projectStages } from './stagesAffectedBy';

/** Stages not reconciled for this long are looked at again (Kargo requeues). */
const SWEEP_MS = 5 * 60_000;

/**
 * Wires Stage reconciliation: every instance ticks each second (one cheap
 * query for due Stages) and reconciles what it claims; events (a Promotion's
 * outcome, an approval, new Freight) make Stages due at once, and a global
 * sweep now and then makes every Stage due, so none is forgotten.
 */
export async function startStageReconciliation(options: {
  config: RootConfigService;
  logger: LoggerService;
  store: KargoStore;
  client: Knex;
  promotionQueue: PromotionQueue;
  checkers: StageHealthChecker[];
  secrets: SecretsProvider;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  /** Wakes this instance's promotion engine. */
  wakePromotions: () => void;
  /** Freezes and promotion windows. */
  gate?: PromotionGate;
  /** See the StageReconciler's option of that name (notifications). */
  onVerificationEnded?: ConstructorParameters<
    typeof StageReconciler
  >[0]['onVerificationEnded'];
  /** Creates a Promotion as the promote endpoint does (auto-promotion). */
  promote: (
    project: string,
    stage: string,
    request: PromotionRequest,
    actor: string,
  ) => Promise<StoredResource>;
}) {
  const { config, logger, store, scheduler, promotionQueue } = options;
  const queue = new DatabaseStageQueue(options.client);
  const runs = new DatabaseAnalysisRuns(options.client);
  const reconciler = new StageReconciler({
    store,
    stages: queue,
    checker: name => options.checkers.find(c => c.name === name),
    promote: options.promote,
    verifier: new AnalysisVerifier({
      store,
      runs,
      providers: createMetricProviders({
        egress: EgressPolicy.fromConfig(config),
      }),
      secrets: options.secrets,
    }),
    gate: options.gate,
    onVerificationEnded: options.onVerificationEnded,
    onUnblocked: (project, stage) =>
      void promotionQueue
        .wakeStage(project, stage)
        .then(options.wakePromotions)
        .catch(error =>
          logger.warn(
            `Stage "${project}/${stage}": could not wake its Promotions: ${error}`,
          ),
        ),
  });
  const engine = new StageEngine({
    queue,
    reconciler,
    owner: `${hostname()}:${process.pid}:${randomUUID()}`,
    leaseMs: durationSetting(config, 'kargo.stages.leaseDuration', '10s'),
    concurrency: config.getOptionalNumber('kargo.stages.concurrency') ?? 8,
    logger,
  });

  await queue.sweep(0);
  await scheduler.scheduleTask({
    id: 'kargo-stage-reconciliation',
    scope: 'local',
    frequency: { seconds: 1 },
    timeout: { minutes: 1 },
    fn: () => engine.scheduledTick(),
  });
  await scheduler.scheduleTask({
    id: 'kargo-stage-sweep',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 1 },
    fn: async () => {
      await queue.sweep(SWEEP_MS);
      await queue.prune();
      await runs.prune();
      await options.gate?.prune();
      await engine.poke();
    },
  });
  options.lifecycle.addShutdownHook(() => engine.stop());

  return {
    engine,
    /** The AnalysisRuns of Stage verifications. */
    analysisRuns: runs,
    /** Makes Stages due now and wakes this instance's reconciliation. */
    async touch(stages: Array<{ project: string; name: string }>) {
      await queue.touch(stages);
      void engine.poke();
    },
    /** Makes every Stage of a project due (a project-wide change). */
    async touchProject(project: string) {
      await queue.touch(await projectStages(store, project));
      void engine.poke();
    },
  };
}
