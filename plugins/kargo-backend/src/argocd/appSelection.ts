import { describeApp, type Application } from './application';
import type { ApplicationClient } from './ApplicationClient';
import { toLabelSelector, type AppSelector } from './labelSelector';

/** How a step names its Applications: by `name`, or by label `selector`. */
export type AppReference = {
  name?: string;
  namespace?: string;
  selector?: AppSelector;
};

/** A selector that cannot be turned into a query: bad config, not bad luck. */
export class InvalidSelectorError extends Error {
  constructor(message: string) {
    super(`error building label selector: ${message}`);
    this.name = 'InvalidSelectorError';
  }
}

/**
 * The Applications a reference names, in the instance's namespace unless
 * it gives one. A missing named App and a selector matching nothing are
 * errors (a retry may find them: Apps are often created by other tools).
 */
export async function resolveApps(
  client: ApplicationClient,
  ref: AppReference,
  signal: AbortSignal,
): Promise<{ namespace: string; apps: Application[] }> {
  const namespace = ref.namespace || client.instance.namespace;
  if (ref.selector) {
    let query: string;
    try {
      query = toLabelSelector(ref.selector);
    } catch (error) {
      throw new InvalidSelectorError((error as Error).message);
    }
    const apps = await client.list(namespace, query, signal);
    return { namespace, apps };
  }
  const name = ref.name ?? '';
  const app = await client.get(namespace, name, signal);
  if (!app) {
    throw new Error(`unable to find ${describeApp({ name, namespace })}`);
  }
  return { namespace, apps: [app] };
}

export function noAppsMatched(namespace: string): Error {
  return new Error(
    `no Argo CD Applications found matching selector in namespace "${namespace}"`,
  );
}
