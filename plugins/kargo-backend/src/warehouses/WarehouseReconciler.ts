import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import {
  KARGO_API_VERSION,
  computeFreightName,
  parseDuration,
} from '@kargo-backstage/plugin-kargo-common';
import type {
  DiscoveryClaim,
  DiscoveryQueue,
  KargoStore,
  StoredResource,
} from '../database';
import type { ManifestApplier } from '../manifests';
import type { CredentialsProvider } from './discovery/types';
import { condition, Condition } from '../status/conditions';
import { freightFromArtifacts } from './freightFromArtifacts';
import { REFRESH_ANNOTATION } from './refreshAnnotation';
import type {
  DiscoveredArtifacts,
  SubscriptionFailure,
  WarehouseDiscoverer,
} from './WarehouseDiscoverer';

/** Decides `freightCreationCriteria.expression` for a candidate Freight. */
export type FreightCriteria = (
  expression: string,
  freight: JsonObject,
) => boolean;

export type WarehouseReconcilerOptions = {
  store: KargoStore;
  queue: DiscoveryQueue;
  applier: ManifestApplier;
  discoverer: WarehouseDiscoverer;
  credentials: CredentialsProvider;
  criteria: FreightCriteria;
  logger: LoggerService;
  /** Identifies this backend instance in claims. */
  owner: string;
  /** Floor under every Warehouse's interval (Kargo: minReconciliationInterval). */
  minIntervalMs: number;
  /** How many Warehouses this instance discovers at once. */
  concurrency: number;
  /** Longest one Warehouse's discovery may take before it is abandoned. */
  timeoutMs: number;
  clock?: () => number;
};

const FIRST_RETRY_MS = 15_000;

/** `git https://…`, `image ghcr.io/…`: the subscriptions that found nothing. */
function emptySubscriptions(artifacts: DiscoveredArtifacts): string[] {
  return [
    ...artifacts.images
      .filter(i => !i.references.length)
      .map(i => `image ${i.repoURL}`),
    ...artifacts.git
      .filter(g => !g.commits.length)
      .map(g => `git ${g.repoURL}`),
    ...artifacts.charts
      .filter(c => !c.versions.length)
      .map(c => `chart ${c.repoURL}${c.name ? ` ${c.name}` : ''}`),
    ...artifacts.results
      .filter(r => !r.artifactReferences.length)
      .map(r => r.name),
  ];
}

/**
 * Discovers due Warehouses and turns what they find into Freight. Every
 * instance runs one; database claims make sure each Warehouse is worked on
 * by one instance at a time, and each Warehouse runs on its own (a slow or
 * failing one occupies a slot, never the others' turn).
 */
export class WarehouseReconciler {
  private readonly running = new Set<Promise<void>>();
  private readonly ticks = new Set<Promise<void>>();
  private readonly clock: () => number;

  constructor(private readonly options: WarehouseReconcilerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** A tick whose failure is logged, not thrown: for timers and callbacks. */
  poke(): Promise<void> {
    return this.tick().catch(error =>
      this.options.logger.error(
        `Warehouse discovery tick failed: ${(error as Error).message}`,
      ),
    );
  }

  /** Claims what is due and free slots allow, and starts it; does not wait. */
  async tick(): Promise<void> {
    const tick = this.claimAndStart();
    this.ticks.add(tick);
    try {
      await tick;
    } finally {
      this.ticks.delete(tick);
    }
  }

  private async claimAndStart(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (free <= 0) {
      return;
    }
    const claims = await this.options.queue.claimDue({
      owner: this.options.owner,
      leaseMs: this.leaseMs(),
      limit: free,
    });
    for (const claim of claims) {
      const work = this.reconcile(claim).finally(() => {
        this.running.delete(work);
        // A freed slot takes the next due Warehouse at once, rather than
        // waiting for the scheduler's next tick.
        void this.poke();
      });
      this.running.add(work);
    }
  }

  /** Waits until every discovery this instance started has finished. */
  async idle(): Promise<void> {
    while (this.running.size || this.ticks.size) {
      await Promise.allSettled([...this.running, ...this.ticks]);
    }
  }

  /** The lease outlives the timeout, so a live discovery never loses it. */
  private leaseMs() {
    return this.options.timeoutMs + 30_000;
  }

  async reconcile(claim: DiscoveryClaim): Promise<void> {
    const { store, queue, owner, logger } = this.options;
    const key = {
      kind: 'Warehouse' as const,
      project: claim.project,
      name: claim.name,
    };
    let nextCheckAt = this.clock() + this.options.minIntervalMs;
    let failed = false;
    try {
      const warehouse = await store.getResource(key);
      if (!warehouse) {
        return;
      }
      const interval = Math.max(
        parseDuration(String(warehouse.spec.interval ?? '5m0s')) ?? 300_000,
        this.options.minIntervalMs,
      );
      const result = await this.discover(warehouse);
      failed = result.failures.length > 0;
      nextCheckAt =
        this.clock() +
        (failed
          ? Math.min(interval, FIRST_RETRY_MS * 2 ** claim.failures)
          : interval);
      await this.writeStatus(warehouse, result);
    } catch (error) {
      failed = true;
      nextCheckAt =
        this.clock() + FIRST_RETRY_MS * 2 ** Math.min(claim.failures, 6);
      logger.error(
        `Discovery of Warehouse ${claim.project}/${claim.name} failed: ${
          (error as Error).message
        }`,
      );
    } finally {
      await queue
        .complete(claim, owner, { nextCheckAt, failed })
        .catch(error =>
          logger.error(`Could not release Warehouse ${claim.name}: ${error}`),
        );
    }
  }

  private async discover(warehouse: StoredResource) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      return await this.options.discoverer.discover({
        project: warehouse.project,
        warehouse: warehouse.name,
        subscriptions: (warehouse.spec.subscriptions ?? []) as Array<
          { name?: string } & Record<string, unknown>
        >,
        previous: warehouse.status.discoveredArtifacts as
          | DiscoveredArtifacts
          | undefined,
        context: {
          credentials: this.options.credentials,
          signal: abort.signal,
        },
        now: new Date(this.clock()),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Creates the Freight (if due) and records the outcome in the status. */
  private async writeStatus(
    warehouse: StoredResource,
    result: { artifacts: DiscoveredArtifacts; failures: SubscriptionFailure[] },
  ) {
    const { artifacts, failures } = result;
    // Echo the refresh annotation this discovery served, as Kargo does.
    const refreshToken = (
      warehouse.metadata.annotations as JsonObject | undefined
    )?.[REFRESH_ANNOTATION] as string | undefined;
    const conditions: Condition[] = [];
    let lastFreightID = warehouse.status.lastFreightID as string | undefined;

    if (failures.length) {
      conditions.push(
        condition(
          warehouse,
          {
            type: 'Ready',
            status: 'False',
            reason: 'DiscoveryFailed',
            message: failures
              .map(f => `${f.subscription}: ${f.error.message}`)
              .join('; '),
          },
          this.clock(),
        ),
      );
    } else {
      const outcome = await this.createFreight(warehouse, artifacts);
      if (outcome.freightName) {
        lastFreightID = outcome.freightName;
      }
      conditions.push(
        condition(
          warehouse,
          {
            type: 'Ready',
            status: outcome.ready === false ? 'False' : 'True',
            reason: outcome.reason,
            message: outcome.message,
          },
          this.clock(),
        ),
      );
      if (outcome.criteria) {
        conditions.push(
          condition(
            warehouse,
            {
              type: 'FreightCreationCriteriaSatisfied',
              status: outcome.criteria === 'met' ? 'True' : 'False',
              reason:
                outcome.criteria === 'met'
                  ? 'CriteriaSatisfied'
                  : 'CriteriaNotSatisfied',
              message: `freightCreationCriteria.expression ${
                outcome.criteria === 'met' ? 'holds' : 'does not hold'
              } for the newest artifacts`,
            },
            this.clock(),
          ),
        );
      }
    }

    const status: JsonObject = {
      ...warehouse.status,
      observedGeneration: warehouse.generation,
      discoveredArtifacts: artifacts as unknown as JsonObject,
      conditions: conditions as unknown as JsonObject[],
      ...(lastFreightID ? { lastFreightID } : {}),
      ...(refreshToken !== undefined
        ? { lastHandledRefresh: refreshToken }
        : {}),
    };
    await this.options.store.updateStatus(warehouse, status);
  }

  private async createFreight(
    warehouse: StoredResource,
    artifacts: DiscoveredArtifacts,
  ): Promise<{
    ready?: false;
    reason: string;
    message: string;
    freightName?: string;
    criteria?: 'met' | 'unmet';
  }> {
    const content = freightFromArtifacts(warehouse.name, artifacts);
    if (!content) {
      return {
        reason: 'MissingArtifacts',
        message: `No artifact matches the subscription's filters for ${emptySubscriptions(
          artifacts,
        ).join(', ')}; Freight needs one from every subscription`,
      };
    }
    if (warehouse.spec.freightCreationPolicy === 'Manual') {
      return {
        reason: 'ArtifactsDiscovered',
        message:
          'Artifacts discovered; freightCreationPolicy is Manual, so Freight is assembled by hand',
      };
    }
    const expression = (
      warehouse.spec.freightCreationCriteria as JsonObject | undefined
    )?.expression as string | undefined;
    let satisfied = true;
    if (expression) {
      try {
        satisfied = this.options.criteria(expression, content);
      } catch (error) {
        return {
          ready: false,
          reason: 'InvalidCriteria',
          message: `freightCreationCriteria.expression: ${
            (error as Error).message
          }`,
        };
      }
    }
    if (!satisfied) {
      return {
        reason: 'CriteriaNotSatisfied',
        message:
          'The newest artifacts do not satisfy freightCreationCriteria.expression',
        criteria: 'unmet',
      };
    }
    const name = computeFreightName(content as never);
    const criteria = expression ? ('met' as const) : undefined;
    const existing = await this.options.store.getResource({
      kind: 'Freight',
      project: warehouse.project,
      name,
    });
    if (existing) {
      return {
        reason: 'AlreadyExists',
        message: `Freight ${name} holds the newest artifacts`,
        freightName: name,
        criteria,
      };
    }
    const [created] = await this.options.applier.apply(
      [
        {
          apiVersion: KARGO_API_VERSION,
          kind: 'Freight',
          metadata: { name, namespace: warehouse.project },
          ...content,
          discoveredAt: artifacts.discoveredAt,
        },
      ],
      'create',
    );
    const alias = created.createdResourceManifest?.alias;
    this.options.logger.info(
      `Warehouse ${warehouse.project}/${warehouse.name} created Freight ${name} (${alias})`,
    );
    return {
      reason: 'NewFreight',
      message: `Created Freight ${name} (${alias})`,
      freightName: name,
      criteria,
    };
  }
}
