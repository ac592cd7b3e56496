import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import type { StoredResource } from '../../database';
import { ArgoCDConnector } from '../ArgoCDConnector';
import { FakeArgoCDController } from './fakeArgoCDController';
import { FakeKubernetesApi } from './fakeKubernetesApi';

/** The bearer token the fake API server accepts. */
export const ARGOCD_TOKEN = 'argocd-kargo-token';

/** A fake Kubernetes API holding Argo CD Applications, and its controller. */
export async function startFakeArgoCD(
  options: { tls?: { key: string; cert: string } } = {},
) {
  const api = await FakeKubernetesApi.start({
    token: ARGOCD_TOKEN,
    ...options,
  });
  const controller = new FakeArgoCDController(api);
  return { api, controller };
}

/** `kargo.argocd` with one instance (default shard) pointing at the fake. */
export function argocdConfig(
  api: FakeKubernetesApi,
  instance: JsonObject = {},
): JsonObject {
  return {
    pollInterval: '1s',
    instances: [
      { url: api.url, token: ARGOCD_TOKEN, skipTLSVerify: true, ...instance },
    ],
  };
}

export function connectorFor(argocd: JsonObject): ArgoCDConnector {
  return ArgoCDConnector.fromConfig(new ConfigReader({ kargo: { argocd } }));
}

/**
 * The two reads the Argo CD steps make of the Kargo store: the Stage (for
 * its shard) and the Promotion (for its create-actor).
 */
export function storeWith(options: { shard?: string; actor?: string } = {}) {
  const resource = (spec: JsonObject, metadata: JsonObject) =>
    ({ spec, metadata, status: {} } as unknown as StoredResource);
  return {
    async getResource(key: { kind: string }) {
      if (key.kind === 'Stage') {
        return resource(options.shard ? { shard: options.shard } : {}, {});
      }
      if (key.kind === 'Promotion') {
        return resource(
          {},
          options.actor
            ? { annotations: { 'kargo.akuity.io/create-actor': options.actor } }
            : {},
        );
      }
      return undefined;
    },
  };
}
