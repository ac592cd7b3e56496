import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationSetting } from '../config/durationSetting';
import type { KargoStore, PromotionQueue } from '../database';
import { PromotionEngine } from './PromotionEngine';
import type { PromotionExpressions } from './PromotionExpressions';
import type { PromotionGate } from './PromotionGate';
import {
  PromotionRunner,
  type PromotionRunnerOptions,
} from './PromotionRunner';
import { PromotionService } from './PromotionService';
import type { StepRegistry } from './StepRegistry';

/**
 * Wires the promotion engine: every instance ticks (scheduler, local) and
 * claims what it can run; one instance at a time (scheduler, global) prunes
 * the queue and reports claims whose owner stopped renewing them — those
 * are taken over by the next tick of any instance.
 */
export async function startPromotionEngine(options: {
  config: RootConfigService;
  logger: LoggerService;
  store: KargoStore;
  queue: PromotionQueue;
  steps: StepRegistry;
  expressions: PromotionExpressions;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  /** Told after each run of a Promotion (its Stage is due). */
  afterRun?: () => void;
  /** Freezes and promotion windows. */
  gate?: PromotionGate;
  /** More clean-up for the watchdog (rows of finished Promotions' tables). */
  prune?: () => Promise<unknown>;
  /** Told when a Promotion ends (see PromotionRunnerOptions.onEnded). */
  onPromotionEnded?: PromotionRunnerOptions['onEnded'];
}) {
  const { config, logger, store, queue, scheduler } = options;
  const workRoot =
    config.getOptionalString('kargo.promotions.workDir') ??
    join(tmpdir(), 'kargo-promotions');
  await mkdir(workRoot, { recursive: true, mode: 0o700 });
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const leaseMs = durationSetting(
    config,
    'kargo.promotions.leaseDuration',
    '30s',
  );
  const runner = new PromotionRunner({
    queue,
    store,
    steps: options.steps,
    expressions: options.expressions,
    workRoot,
    owner,
    leaseMs,
    logger,
    gate: options.gate,
    onEnded: options.onPromotionEnded,
  });
  const engine = new PromotionEngine({
    queue,
    runner,
    owner,
    leaseMs,
    concurrency: config.getOptionalNumber('kargo.promotions.concurrency') ?? 4,
    logger,
    afterRun: options.afterRun,
  });

  await scheduler.scheduleTask({
    id: 'kargo-promotion-engine',
    scope: 'local',
    frequency: { seconds: 2 },
    timeout: { minutes: 1 },
    fn: () => engine.scheduledTick(),
  });
  await scheduler.scheduleTask({
    id: 'kargo-promotion-watchdog',
    scope: 'global',
    frequency: { seconds: 30 },
    timeout: { minutes: 1 },
    fn: async () => {
      for (const lapsed of await queue.lapsed()) {
        logger.warn(
          `Promotion "${lapsed.project}/${lapsed.name}": instance ${
            lapsed.owner
          } stopped renewing its claim at ${new Date(
            lapsed.expiredAt,
          ).toISOString()}; another instance takes it over`,
        );
      }
      await queue.prune();
      await options.prune?.();
      await engine.poke();
    },
  });
  options.lifecycle.addShutdownHook(() => engine.stop());

  return {
    engine,
    service: new PromotionService(
      store,
      queue,
      () => void engine.poke(),
      undefined,
      options.gate,
    ),
  };
}
