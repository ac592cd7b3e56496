import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ArtifactSubscriber } from '@kargo-backstage/plugin-kargo-node';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationSetting } from '../config/durationSetting';
import type { DiscoveryQueue, KargoStore } from '../database';
import type { ManifestApplier } from '../manifests';
import { ConfigCredentialsProvider } from './credentials/ConfigCredentialsProvider';
import { createSubscriptionDiscoverers } from './discoverers';
import { evaluateFreightCriteria } from './freightCriteria';
import { WarehouseDiscoverer } from './WarehouseDiscoverer';
import { WarehouseReconciler } from './WarehouseReconciler';

/**
 * Wires Warehouse discovery: every instance ticks often and cheaply (one
 * query for due Warehouses), claims what is due in the database, and works
 * on it in the background. A refresh makes a Warehouse due and ticks at once.
 */
export async function startWarehouseDiscovery(options: {
  config: RootConfigService;
  logger: LoggerService;
  store: KargoStore;
  applier: ManifestApplier;
  queue: DiscoveryQueue;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  subscribers: (type: string) => ArtifactSubscriber | undefined;
}) {
  const { config, logger, queue, scheduler } = options;
  const workDir = await mkdtemp(join(tmpdir(), 'kargo-discovery-'));
  const reconciler = new WarehouseReconciler({
    store: options.store,
    queue,
    applier: options.applier,
    discoverer: new WarehouseDiscoverer(
      createSubscriptionDiscoverers({
        workDir,
        requestsPerSecond:
          config.getOptionalNumber('kargo.registries.rateLimit') ?? 20,
      }),
      options.subscribers,
    ),
    credentials: ConfigCredentialsProvider.fromConfig(config),
    criteria: evaluateFreightCriteria,
    logger,
    owner: `${hostname()}:${process.pid}:${randomUUID()}`,
    minIntervalMs: durationSetting(
      config,
      'kargo.warehouses.minReconciliationInterval',
      '5m0s',
    ),
    concurrency: config.getOptionalNumber('kargo.warehouses.concurrency') ?? 4,
    timeoutMs: durationSetting(
      config,
      'kargo.warehouses.discoveryTimeout',
      '5m0s',
    ),
  });

  await scheduler.scheduleTask({
    id: 'kargo-warehouse-discovery',
    scope: 'local',
    frequency: { seconds: 2 },
    timeout: { minutes: 1 },
    fn: () => reconciler.poke(),
  });
  await scheduler.scheduleTask({
    id: 'kargo-discovery-queue-prune',
    scope: 'global',
    frequency: { minutes: 10 },
    timeout: { minutes: 1 },
    fn: async () => {
      await queue.prune();
    },
  });
  options.lifecycle.addShutdownHook(async () => {
    await reconciler.idle();
    // Scratch clones of this process only: nothing else uses them.
    await rm(workDir, { recursive: true, force: true });
  });

  return {
    async refresh(project: string, name: string): Promise<boolean> {
      const exists = await queue.requestRefresh(project, name);
      if (exists) {
        void reconciler.poke();
      }
      return exists;
    },
    reconciler,
  };
}
