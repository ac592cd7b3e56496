import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { isDeepStrictEqual } from 'node:util';
import type { KargoStore, StoredResource } from '../database';
import { condition } from '../status/conditions';
import type { WebhookReceivers } from '../webhooks';

/**
 * Keeps the status of ProjectConfigs and the ClusterConfig current: the
 * webhook receivers' endpoints (`status.webhookReceivers`, the URLs to give
 * Git forges and registries), and a Ready condition saying why a receiver is
 * missing (e.g. its secret is not configured). Writes only what changed.
 */
export class ProjectConfigReconciler {
  constructor(
    private readonly store: KargoStore,
    private readonly receivers: WebhookReceivers,
    private readonly logger: LoggerService,
    private readonly clock: () => number = Date.now,
  ) {}

  async reconcileAll(): Promise<void> {
    // A ProjectConfig is named after its project, so names are unique and
    // one name-ordered listing across projects pages correctly.
    const configs: StoredResource[] = [];
    let after;
    do {
      const page = await this.store.listResources({
        kind: 'ProjectConfig',
        order: 'name',
        after,
      });
      configs.push(...page.items);
      after = page.next;
    } while (after);
    const cluster = await this.store.getResource({
      kind: 'ClusterConfig',
      project: '',
      name: 'cluster',
    });
    if (cluster) configs.push(cluster);
    for (const config of configs) {
      await this.reconcile(config).catch(error =>
        this.logger.error(
          `Could not update the status of ${config.kind} ${config.name}: ${error}`,
        ),
      );
    }
  }

  async reconcile(config: StoredResource): Promise<void> {
    const { endpoints, errors } = await this.receivers.describeEndpoints(
      config,
    );
    const ready = errors.length === 0;
    const readyCondition = condition(
      config,
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: ready ? 'Synced' : 'WebhookReceiversNotReady',
        message: ready ? 'Webhook receivers are ready' : errors.join('; '),
      },
      this.clock(),
    );
    const status: JsonObject = {
      ...config.status,
      observedGeneration: config.generation,
      conditions: [readyCondition],
      webhookReceivers: endpoints as unknown as JsonObject[],
    };
    if (!isDeepStrictEqual(status, config.status)) {
      await this.store.updateStatus(config, status);
    }
  }
}
