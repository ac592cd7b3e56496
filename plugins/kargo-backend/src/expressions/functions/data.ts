import type { JsonObject, JsonValue } from '@backstage/types';
import { fail } from '../errors';
import { typeName } from '../values';

/** Where the data functions read from (the engine's store). */
export type DataLookups = {
  /**
   * A Secret's data, decoded; undefined when missing. Shared secrets must
   * only be handed out when they are generic credentials
   * (`kargo.akuity.io/cred-type: generic`), as in Kargo.
   */
  lookupSecret(
    name: string,
    shared: boolean,
  ): Promise<Record<string, string> | undefined>;
  lookupConfigMap(
    name: string,
    shared: boolean,
  ): Promise<Record<string, string> | undefined>;
  /** A Freight's status.metadata; undefined when the Freight is missing. */
  freightMetadata(name: string): Promise<JsonObject | undefined>;
  /** A Freight's whole status; undefined when the Freight is missing. */
  freightStatus(name: string): Promise<JsonObject | undefined>;
  /** A Stage's status.metadata; undefined when the Stage is missing. */
  stageMetadata(name: string): Promise<JsonObject | undefined>;
  /** Every secret value handed to an expression, for masking. */
  onSecretRevealed(value: string): void;
};

function name(fn: string, args: unknown[], max = 1): string {
  if (args.length < 1 || args.length > max) {
    fail(
      `${fn}() takes ${
        max === 1 ? '1 argument' : `1 to ${max} arguments`
      }, not ${args.length}`,
    );
  }
  if (typeof args[0] !== 'string')
    fail(`${fn}() needs a string, not ${typeName(args[0])}`);
  if (!args[0]) fail(`${fn}(): the name must not be empty`);
  return args[0] as string;
}

/** Memoizes one lookup per name, as Kargo caches within an evaluation. */
function cached<T>(load: (key: string) => Promise<T>) {
  const seen = new Map<string, Promise<T>>();
  return (key: string) => {
    let hit = seen.get(key);
    if (!hit) {
      hit = load(key);
      seen.set(key, hit);
      hit.catch(() => seen.delete(key));
    }
    return hit;
  };
}

function metadataWithKey(
  fn: string,
  args: unknown[],
  load: (n: string) => Promise<JsonObject | undefined>,
) {
  const n = name(fn, args, 2);
  if (args.length === 2 && typeof args[1] !== 'string')
    fail(`${fn}(): the key must be a string`);
  return load(n).then(metadata => {
    if (args.length === 1) return metadata ?? null;
    const key = args[1] as string;
    return metadata && Object.prototype.hasOwnProperty.call(metadata, key)
      ? (metadata[key] as JsonValue)
      : null;
  });
}

/**
 * secret(), sharedSecret(), configMap(), sharedConfigMap() (an empty map
 * when missing), freightMetadata(name[, key]), freightStatus(name) and
 * stageMetadata(name[, key]) (nil when missing). Every secret value is
 * reported through onSecretRevealed before an expression sees it.
 */
export function dataFunctions(deps: DataLookups) {
  const secrets = cached(async (key: string) => {
    const [shared, n] = [
      key.startsWith('shared/'),
      key.slice(key.indexOf('/') + 1),
    ];
    const data = (await deps.lookupSecret(n, shared)) ?? {};
    for (const value of Object.values(data))
      if (value) deps.onSecretRevealed(value);
    return data;
  });
  const configMaps = cached(async (key: string) => {
    const [shared, n] = [
      key.startsWith('shared/'),
      key.slice(key.indexOf('/') + 1),
    ];
    return (await deps.lookupConfigMap(n, shared)) ?? {};
  });
  const freightMetadata = cached(n => deps.freightMetadata(n));
  const stageMetadata = cached(n => deps.stageMetadata(n));
  const copy = (p: Promise<Record<string, string>>) => p.then(d => ({ ...d }));
  return {
    secret: (...a: unknown[]) => copy(secrets(`project/${name('secret', a)}`)),
    sharedSecret: (...a: unknown[]) =>
      copy(secrets(`shared/${name('sharedSecret', a)}`)),
    configMap: (...a: unknown[]) =>
      copy(configMaps(`project/${name('configMap', a)}`)),
    sharedConfigMap: (...a: unknown[]) =>
      copy(configMaps(`shared/${name('sharedConfigMap', a)}`)),
    freightMetadata: (...a: unknown[]) =>
      metadataWithKey('freightMetadata', a, freightMetadata),
    freightStatus: (...a: unknown[]) =>
      deps.freightStatus(name('freightStatus', a)).then(s => s ?? null),
    stageMetadata: (...a: unknown[]) =>
      metadataWithKey('stageMetadata', a, stageMetadata),
  };
}
