import { mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import type {
  PromotionStepRunner,
  StageHealthChecker,
} from '@kargo-backstage/plugin-kargo-node';
import { Knex } from 'knex';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DatabaseKargoStore,
  DatabasePromotionQueue,
  DatabasePromotionReviews,
  DatabaseStageQueue,
} from '../../database';
import { ManifestApplier } from '../../manifests';
import { ConfigSecretsProvider } from '../../secrets';
import { ConfigCredentialsProvider } from '../../warehouses/credentials/ConfigCredentialsProvider';
import { KargoPromotionExpressions } from '../KargoPromotionExpressions';
import { PromotionEngine } from '../PromotionEngine';
import { PromotionRunner } from '../PromotionRunner';
import { PromotionService } from '../PromotionService';
import { StepRegistry } from '../StepRegistry';
import { createBuiltinPromotionSteps } from '../steps';
import { StageEngine } from '../../stages/StageEngine';
import { StageReconciler } from '../../stages/StageReconciler';
import type { StageVerifier } from '../../stages/verification';

/** For harnesses whose Stages have no `verification`. */
const noVerifier: StageVerifier = {
  start: async () => {
    throw new Error('this test harness has no Stage verifier');
  },
  advance: async () => {
    throw new Error('this test harness has no Stage verifier');
  },
  abort: async () => {
    throw new Error('this test harness has no Stage verifier');
  },
};

/**
 * One engine instance over a test database, wired as the plugin wires it
 * (built-in steps, expressions, queue), plus test steps and a fixed owner.
 */
export async function createEngineHarness(
  knex: Knex,
  options: {
    owner?: string;
    leaseMs?: number;
    concurrency?: number;
    steps?: PromotionStepRunner[];
    secrets?: Array<{
      name: string;
      project?: string;
      data: Record<string, string>;
    }>;
    config?: object;
    /** Stage health checkers (`healthCheck.uses` names). */
    healthCheckers?: StageHealthChecker[];
    /** Runs Stage verification (AnalysisTemplates). */
    verifier?: StageVerifier;
    /** Default a jest mock; outside Jest (the benchmarks) pass one. */
    logger?: LoggerService;
    /** Told when a Promotion's final phase is committed. */
    onEnded?: (project: string, name: string) => void;
  } = {},
) {
  const store = await DatabaseKargoStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const applier = new ManifestApplier(store);
  const queue = new DatabasePromotionQueue(knex);
  const scratch = await mkdtemp(join(tmpdir(), 'kargo-engine-test-'));
  const config = new ConfigReader({ kargo: options.config ?? {} });
  const steps = new StepRegistry([
    ...createBuiltinPromotionSteps({
      config,
      store,
      applier,
      credentials: ConfigCredentialsProvider.fromConfig(config),
      gitHomeDir: join(scratch, 'git-home'),
      reviews: new DatabasePromotionReviews(knex),
    }),
    ...(options.steps ?? []),
  ]);
  const owner = options.owner ?? 'test-instance';
  const leaseMs = options.leaseMs ?? 30_000;
  const logger = options.logger ?? mockServices.logger.mock();
  const runner = new PromotionRunner({
    queue,
    store,
    steps,
    expressions: new KargoPromotionExpressions({
      store,
      secrets: new ConfigSecretsProvider(options.secrets ?? []),
      configMaps: new ConfigSecretsProvider([]),
    }),
    workRoot: join(scratch, 'work'),
    owner,
    leaseMs,
    logger,
    onEnded: p => options.onEnded?.(p.project, p.name),
  });
  let pokeStages = () => {};
  const engine = new PromotionEngine({
    queue,
    runner,
    owner,
    leaseMs,
    concurrency: options.concurrency ?? 4,
    logger,
    // As the plugin wires it: a finished Promotion's Stage is reconciled now.
    afterRun: () => pokeStages(),
  });
  const service = new PromotionService(store, queue, () => void engine.poke());
  const stageQueue = new DatabaseStageQueue(knex);
  const reconciler = new StageReconciler({
    store,
    stages: stageQueue,
    checker: name => options.healthCheckers?.find(c => c.name === name),
    verifier: options.verifier ?? noVerifier,
    promote: (project, stage, request, actor) =>
      service.create(project, stage, request, actor),
    onUnblocked: (project, stage) =>
      void queue.wakeStage(project, stage).then(() => engine.poke()),
  });
  const stageEngine = new StageEngine({
    queue: stageQueue,
    reconciler,
    owner,
    leaseMs: 60_000,
    concurrency: 4,
    logger,
  });
  pokeStages = () => void stageEngine.poke();

  return {
    store,
    applier,
    queue,
    engine,
    service,
    logger,
    workRoot: join(scratch, 'work'),
    apply: (yaml: string) => applier.apply(parseManifests(yaml), 'upsert'),
    promotion: (project: string, name: string) =>
      store.getResource({ kind: 'Promotion', project, name }),
    stageQueue,
    stageEngine,
    /**
     * Ticks the promotion engine and the Stage reconciliation until no
     * Promotion is open and no Stage is due. A Promotion waiting for its
     * Stage's verification is due again after a short release: the Stage
     * reconciliation runs meanwhile and the release is waited out.
     */
    async settle() {
      for (let i = 0; i < 400; i++) {
        await engine.tick();
        await engine.idle();
        await stageEngine.tick();
        await stageEngine.idle();
        const now = Date.now();
        const [{ open }] = await knex('kargo_promotion_queue')
          .where('done', false)
          .count({ open: '*' });
        const [{ due }] = await knex('kargo_stage_queue')
          .where('due_at', '<=', now)
          .count({ due: '*' });
        if (Number(open) === 0 && Number(due) === 0) return;
        if (Number(due) === 0) {
          // Only released Promotions left: move their wait on.
          await knex('kargo_promotion_queue')
            .where('done', false)
            .whereNull('owner')
            .update({ not_before: 0 });
        }
      }
      throw new Error('the engine did not settle in 400 ticks');
    },
    async close() {
      await stageEngine.stop();
      await engine.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
