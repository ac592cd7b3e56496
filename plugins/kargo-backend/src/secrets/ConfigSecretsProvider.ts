import type { Config } from '@backstage/config';
import type { SecretsProvider } from './SecretsProvider';

/** One entry of `kargo.secrets` in app-config. */
export type ConfiguredSecret = {
  /** The Secret name, as referenced by `secretRef.name`. */
  name: string;
  /** The project; omitted for a shared (cluster-level) secret. */
  project?: string;
  data: Record<string, string>;
};

const CONFIG_KEY = 'kargo.secrets';
// A Kubernetes object name (DNS subdomain), as secretRef.name must be.
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A project name (DNS label: it is a namespace in Kargo).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyOf(project: string | undefined, name: string): string {
  return `${project ?? ''}/${name}`;
}

/**
 * Validates raw `kargo.secrets` entries. Errors name the offending entry
 * (`kargo.secrets[i].field`) and never include a secret value.
 */
export function parseConfiguredSecrets(
  raw: unknown,
  configKey: string = CONFIG_KEY,
): ConfiguredSecret[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new Error(`${configKey} must be a list of secrets`);
  }
  const seen = new Map<string, number>();
  return raw.map((entry, i) => {
    const at = `${configKey}[${i}]`;
    if (!isPlainObject(entry)) {
      throw new Error(`${at} must be an object with name and data`);
    }
    for (const key of Object.keys(entry)) {
      if (!['name', 'project', 'data'].includes(key)) {
        throw new Error(
          `${at}.${key} is not a known field (expected name, project, data)`,
        );
      }
    }
    const { name, project, data } = entry;
    if (typeof name !== 'string' || name === '') {
      throw new Error(`${at}.name is required and must be a string`);
    }
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw new Error(
        `${at}.name "${name}" is not a valid Secret name (lower-case DNS subdomain)`,
      );
    }
    if (project !== undefined) {
      if (typeof project !== 'string' || project === '') {
        throw new Error(
          `${at}.project must be a non-empty string (omit it for a shared secret)`,
        );
      }
      if (project.length > 63 || !DNS_LABEL.test(project)) {
        throw new Error(
          `${at}.project "${project}" is not a valid project name (lower-case DNS label)`,
        );
      }
    }
    if (!isPlainObject(data)) {
      throw new Error(
        `${at}.data is required and must be a map of keys to string values`,
      );
    }
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') {
        // Never echo the value: it may be a secret.
        throw new Error(
          `${at}.data.${key} must be a string (quote it in YAML), not a ${
            value === null ? 'null' : typeof value
          }`,
        );
      }
      values[key] = value;
    }
    const key = keyOf(project as string | undefined, name);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new Error(
        `${at} duplicates ${configKey}[${first}]: ${
          project === undefined
            ? `shared secret "${name}"`
            : `secret "${name}" of project "${project}"`
        } is defined twice`,
      );
    }
    seen.set(key, i);
    return {
      name,
      ...(project !== undefined ? { project: project as string } : {}),
      data: values,
    };
  });
}

/**
 * Secrets from app-config (`kargo.secrets`), standing in for the Kubernetes
 * Secrets Kargo reads. Validated at construction. Lookups are exact: a project
 * secret is never served for a shared one, nor the other way round.
 */
export class ConfigSecretsProvider implements SecretsProvider {
  private readonly secrets = new Map<string, Record<string, string>>();

  /**
   * `kargo.secrets`, or another list of the same shape: `kargo.configMaps`
   * stands in for the ConfigMaps Kargo's `configMap()` reads.
   */
  static fromConfig(
    config: Config,
    configKey: string = CONFIG_KEY,
  ): ConfigSecretsProvider {
    return new ConfigSecretsProvider(
      parseConfiguredSecrets(config.getOptional(configKey), configKey),
    );
  }

  constructor(secrets: ConfiguredSecret[]) {
    // Re-validate so that direct construction gets the same guarantees.
    for (const secret of parseConfiguredSecrets(secrets)) {
      this.secrets.set(keyOf(secret.project, secret.name), secret.data);
    }
  }

  async get(
    project: string | undefined,
    name: string,
  ): Promise<Record<string, string> | undefined> {
    const data = this.secrets.get(keyOf(project || undefined, name));
    return data ? { ...data } : undefined;
  }
}
