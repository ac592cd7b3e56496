import { mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { Knex } from 'knex';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseKargoStore, DatabasePromotionQueue } from '../../database';
import { ManifestApplier } from '../../manifests';
import { ConfigSecretsProvider } from '../../secrets';
import { ConfigCredentialsProvider } from '../../warehouses/credentials/ConfigCredentialsProvider';
import { KargoPromotionExpressions } from '../KargoPromotionExpressions';
import { PromotionEngine } from '../PromotionEngine';
import { PromotionRunner } from '../PromotionRunner';
import { PromotionService } from '../PromotionService';
import { StepRegistry } from '../StepRegistry';
import { createBuiltinPromotionSteps } from '../steps';

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
    /** Default a jest mock; outside Jest (the benchmarks) pass one. */
    logger?: LoggerService;
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
  });
  const engine = new PromotionEngine({
    queue,
    runner,
    owner,
    leaseMs,
    concurrency: options.concurrency ?? 4,
    logger,
  });
  const service = new PromotionService(store, queue, () => void engine.poke());
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
    /** Ticks until no Promotion is running and none is claimable now. */
    async settle() {
      for (let i = 0; i < 200; i++) {
        await engine.tick();
        await engine.idle();
        const [{ open }] = await knex('kargo_promotion_queue')
          .where('done', false)
          .andWhere('not_before', '<=', Date.now())
          .count({ open: '*' });
        if (Number(open) === 0) return;
      }
      throw new Error('the engine did not settle in 200 ticks');
    },
    async close() {
      await engine.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
