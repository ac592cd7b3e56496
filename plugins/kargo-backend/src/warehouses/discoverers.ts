import { ChartDiscoverer, RegistryClientTagLister } from './discovery/charts';
import { GitDiscoverer } from './discovery/git';
import { ImageDiscoverer } from './discovery/images';
import { RegistryClient } from './discovery/registry';
import type { SubscriptionDiscoverers } from './WarehouseDiscoverer';

/**
 * The built-in discoverers: images and OCI charts share one registry client
 * (and so its per-host rate limit and token cache); Git keeps its repository
 * caches under `workDir`.
 */
export function createSubscriptionDiscoverers(options: {
  workDir: string;
  requestsPerSecond: number;
}): SubscriptionDiscoverers {
  const registry = new RegistryClient({
    rateLimit: { requestsPerSecond: options.requestsPerSecond },
  });
  const images = new ImageDiscoverer({ client: registry });
  const charts = new ChartDiscoverer({
    ociTagLister: new RegistryClientTagLister(registry),
  });
  const git = new GitDiscoverer({ workDir: options.workDir });
  return {
    image: (subscription, context) => images.discover(subscription, context),
    git: (subscription, context) => git.discover(subscription, context),
    chart: (subscription, context) => charts.discover(subscription, context),
  };
}
