import type { JsonObject } from '@backstage/types';
import type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
} from '@kargo-backstage/plugin-kargo-common';
import type {
  ArtifactReference,
  ArtifactSubscriber,
} from '@kargo-backstage/plugin-kargo-node';
import {
  DiscoveredCharts,
  DiscoveredGit,
  DiscoveredImages,
  DiscoveryContext,
  DiscoveryError,
} from './discovery/types';

/** The discoverers of the built-in subscription types. */
export interface SubscriptionDiscoverers {
  image(
    subscription: ImageSubscription & { name?: string },
    context: DiscoveryContext,
  ): Promise<DiscoveredImages>;
  git(
    subscription: GitSubscription & { name?: string },
    context: DiscoveryContext & { previous?: DiscoveredGit },
  ): Promise<DiscoveredGit>;
  /** `name` is the chart's; the subscription's own name is `subscriptionName`. */
  chart(
    subscription: ChartSubscription & { subscriptionName?: string },
    context: DiscoveryContext,
  ): Promise<DiscoveredCharts>;
}

/** `status.discoveredArtifacts` of a Warehouse, as Kargo keeps it. */
export type DiscoveredArtifacts = {
  discoveredAt: string;
  git: DiscoveredGit[];
  images: DiscoveredImages[];
  charts: DiscoveredCharts[];
  results: Array<{ name: string; artifactReferences: ArtifactReference[] }>;
};

export type SubscriptionFailure = {
  /** `spec.subscriptions[1]` (image registry.example.com/app) */
  subscription: string;
  error: DiscoveryError;
};

type Subscription = { name?: string } & Record<string, unknown>;

function typeOf(subscription: Subscription): string {
  return Object.keys(subscription).find(key => key !== 'name') ?? '';
}

function describe(index: number, subscription: Subscription): string {
  const type = typeOf(subscription);
  const body = subscription[type] as { repoURL?: string } | undefined;
  return `spec.subscriptions[${index}] (${type}${
    body?.repoURL ? ` ${body.repoURL}` : ''
  })`;
}

/**
 * Runs every subscription of a Warehouse through its discoverer. A failed
 * subscription keeps what the last good discovery found, so one broken
 * registry never erases the others' data.
 */
export class WarehouseDiscoverer {
  constructor(
    private readonly discoverers: SubscriptionDiscoverers,
    private readonly subscribers: (
      type: string,
    ) => ArtifactSubscriber | undefined,
  ) {}

  async discover(options: {
    project: string;
    warehouse: string;
    subscriptions: Subscription[];
    previous?: DiscoveredArtifacts;
    context: DiscoveryContext;
    now: Date;
  }): Promise<{
    artifacts: DiscoveredArtifacts;
    failures: SubscriptionFailure[];
  }> {
    const { subscriptions, previous, context } = options;
    const artifacts: DiscoveredArtifacts = {
      discoveredAt: options.now.toISOString(),
      git: [],
      images: [],
      charts: [],
      results: [],
    };
    const failures: SubscriptionFailure[] = [];
    const outcomes = await Promise.all(
      subscriptions.map(async (subscription, index) => {
        try {
          return {
            ok: true as const,
            value: await this.one(options, subscription, previous, context),
          };
        } catch (error) {
          const discoveryError =
            error instanceof DiscoveryError
              ? error
              : new DiscoveryError(
                  'ServerError',
                  String((error as Error)?.message ?? error),
                );
          failures.push({
            subscription: describe(index, subscription),
            error: discoveryError,
          });
          return {
            ok: false as const,
            fallback: this.previousOf(subscription, previous),
          };
        }
      }),
    );
    subscriptions.forEach((subscription, index) => {
      const outcome = outcomes[index];
      const value = outcome.ok ? outcome.value : outcome.fallback;
      if (!value) return;
      const type = typeOf(subscription);
      if (type === 'image') artifacts.images.push(value as DiscoveredImages);
      else if (type === 'git') artifacts.git.push(value as DiscoveredGit);
      else if (type === 'chart')
        artifacts.charts.push(value as DiscoveredCharts);
      else
        artifacts.results.push(value as DiscoveredArtifacts['results'][number]);
    });
    return { artifacts, failures };
  }

  private async one(
    options: { project: string; warehouse: string },
    subscription: Subscription,
    previous: DiscoveredArtifacts | undefined,
    context: DiscoveryContext,
  ) {
    const type = typeOf(subscription);
    const name = subscription.name;
    const body = subscription[type] as JsonObject;
    if (type === 'image') {
      return this.discoverers.image(
        { ...(body as unknown as ImageSubscription), name },
        context,
      );
    }
    if (type === 'git') {
      return this.discoverers.git(
        { ...(body as unknown as GitSubscription), name },
        {
          ...context,
          previous: this.previousOf(subscription, previous) as
            | DiscoveredGit
            | undefined,
        },
      );
    }
    if (type === 'chart') {
      return this.discoverers.chart(
        { ...(body as unknown as ChartSubscription), subscriptionName: name },
        context,
      );
    }
    const subscriber = this.subscribers(type);
    if (!subscriber) {
      throw new DiscoveryError(
        'InvalidSubscription',
        `no backend module handles subscriptions of type "${type}"; install one that adds it through kargoArtifactSubscribersExtensionPoint`,
      );
    }
    const references = await subscriber.discover({
      project: options.project,
      warehouse: options.warehouse,
      subscriptionName: name ?? type,
      config: (body.config as JsonObject) ?? {},
      discoveryLimit: Number(body.discoveryLimit ?? 20),
      signal: context.signal ?? new AbortController().signal,
    });
    return { name: name ?? type, artifactReferences: references };
  }

  /** What the last discovery found for this subscription, if anything. */
  private previousOf(
    subscription: Subscription,
    previous?: DiscoveredArtifacts,
  ) {
    if (!previous) return undefined;
    const type = typeOf(subscription);
    const body = subscription[type] as { repoURL?: string; name?: string };
    const sameSub = (item: { repoURL?: string; subscriptionName?: string }) =>
      item.repoURL === body?.repoURL &&
      item.subscriptionName === subscription.name;
    if (type === 'image') return previous.images.find(sameSub);
    if (type === 'git') return previous.git.find(sameSub);
    if (type === 'chart')
      return previous.charts.find(c => sameSub(c) && c.name === body?.name);
    return previous.results.find(r => r.name === (subscription.name ?? type));
  }
}
