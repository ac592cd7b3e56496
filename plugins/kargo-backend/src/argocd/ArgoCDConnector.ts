import type { Config } from '@backstage/config';
import { ApplicationClient } from './ApplicationClient';
import { ArgoCDSettings } from './argocdSettings';

/**
 * Hands out one ApplicationClient per configured Argo CD instance, chosen
 * by Stage shard. Clients are made on first use and kept (they hold only
 * configuration; connections are per request).
 */
export class ArgoCDConnector {
  private readonly clients = new Map<string, ApplicationClient>();

  constructor(readonly settings: ArgoCDSettings) {}

  static fromConfig(config: Config): ArgoCDConnector {
    return new ArgoCDConnector(ArgoCDSettings.fromConfig(config));
  }

  /** The client for Stages of `shard`; throws ArgoCDConfigError if none. */
  clientFor(shard: string): ApplicationClient {
    const instance = this.settings.instanceFor(shard);
    let client = this.clients.get(instance.shard);
    if (!client) {
      client = new ApplicationClient(instance);
      this.clients.set(instance.shard, client);
    }
    return client;
  }
}
