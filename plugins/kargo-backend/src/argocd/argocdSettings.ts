import type { Config } from '@backstage/config';
import { parseDuration } from '@kargo-backstage/plugin-kargo-common';

/**
 * One Argo CD control plane, reached through the Kubernetes API server that
 * holds its Applications. Kargo runs one controller per shard, each next to
 * one Argo CD; here one backend serves every shard, so each shard names the
 * API server of its Argo CD.
 */
export type ArgoCDInstance = {
  /** The Stage `spec.shard` it serves ("" = Stages without a shard). */
  shard: string;
  /** Kubernetes API server URL. */
  url: string;
  token?: string;
  /** Base64 PEM CA bundle, as a kubeconfig's certificate-authority-data. */
  caData?: string;
  skipTLSVerify: boolean;
  /** Where Applications live unless a step names a namespace. */
  namespace: string;
  /** `kargo.argocd.instances[<i>]`, for messages that point at the fix. */
  configPath: string;
};

/** A setup problem no retry can fix (no instance, integration disabled). */
export class ArgoCDConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgoCDConfigError';
  }
}

const DEFAULT_NAMESPACE = 'argocd';
const DEFAULT_POLL_INTERVAL_MS = 5_000;

/** `kargo.argocd`: which Argo CD serves which shard, and whether at all. */
export class ArgoCDSettings {
  private constructor(
    readonly enabled: boolean,
    readonly instances: ArgoCDInstance[],
    /** How soon a waiting step looks at its Applications again. */
    readonly pollIntervalMs: number,
    /** Watch the Applications Stage health reads (else poll only). */
    readonly watch: boolean,
  ) {}

  static fromConfig(config: Config): ArgoCDSettings {
    const argocd = config.getOptionalConfig('kargo.argocd');
    const entries = argocd?.getOptionalConfigArray('instances') ?? [];
    const instances = entries.map((entry, i) => {
      const configPath = `kargo.argocd.instances[${i}]`;
      const url = entry.getString('url');
      if (!/^https?:\/\//.test(url)) {
        throw new Error(`${configPath}.url must be an http(s) URL: "${url}"`);
      }
      return {
        shard: entry.getOptionalString('shard') ?? '',
        url: url.replace(/\/+$/, ''),
        token: entry.getOptionalString('token'),
        caData: entry.getOptionalString('caData'),
        skipTLSVerify: entry.getOptionalBoolean('skipTLSVerify') ?? false,
        namespace: entry.getOptionalString('namespace') ?? DEFAULT_NAMESPACE,
        configPath,
      };
    });
    const seen = new Set<string>();
    for (const instance of instances) {
      if (seen.has(instance.shard)) {
        throw new Error(
          `kargo.argocd.instances: shard "${instance.shard}" is configured twice`,
        );
      }
      seen.add(instance.shard);
    }
    const interval = argocd?.getOptionalString('pollInterval');
    const pollIntervalMs =
      interval === undefined
        ? DEFAULT_POLL_INTERVAL_MS
        : parseDuration(interval) ?? NaN;
    if (!(pollIntervalMs >= 1000)) {
      throw new Error(
        `kargo.argocd.pollInterval must be a duration of at least 1s: "${interval}"`,
      );
    }
    const enabled =
      argocd?.getOptionalBoolean('integrationEnabled') ?? instances.length > 0;
    return new ArgoCDSettings(
      enabled,
      instances,
      pollIntervalMs,
      argocd?.getOptionalBoolean('watchApplications') ?? true,
    );
  }

  /** The instance serving Stages of `shard`, or an error saying what to set. */
  instanceFor(shard: string): ArgoCDInstance {
    if (!this.enabled) {
      throw new ArgoCDConfigError(
        this.instances.length
          ? 'Argo CD integration is disabled (kargo.argocd.integrationEnabled: false)'
          : 'Argo CD integration is disabled: no Argo CD instance is configured (kargo.argocd.instances)',
      );
    }
    const instance = this.instances.find(i => i.shard === shard);
    if (!instance) {
      const known = this.instances.map(i => `"${i.shard}"`).join(', ');
      const fix = shard
        ? `add one to kargo.argocd.instances with shard: "${shard}"`
        : 'add one to kargo.argocd.instances without a shard';
      throw new ArgoCDConfigError(
        `no Argo CD instance is configured for shard "${shard}": ${fix}${
          known ? ` (configured shards: ${known})` : ''
        }`,
      );
    }
    return instance;
  }
}
