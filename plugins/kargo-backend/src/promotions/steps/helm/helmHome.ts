import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away home for one run of helm (or of kustomize calling helm). */
export type HelmHome = {
  dir: string;
  /** Variables that point helm (and git, via HOME) at this home only. */
  env: Record<string, string>;
  /** helm's repositories.yaml inside this home. */
  repositoryConfig: string;
  /**
   * The helm command to give kustomize: `helm` behind a shim that answers
   * kustomize's Helm 3 version probe (`helm version -c`, a flag Helm 4
   * dropped; kustomize before 5.8.1 refuses anything but v3), or plain
   * `helm` when no shell is there to run the shim. Undefined: no helm.
   */
  helmCommand?: string;
};

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function writeKustomizeShim(dir: string, helm: string) {
  const shim = join(dir, 'helm-for-kustomize');
  const h = shellQuote(helm);
  await writeFile(
    shim,
    [
      '#!/bin/sh',
      '# kustomize < 5.8.1 checks `helm version -c --short` for a v3.',
      'if [ "$1" = version ] && [ "$2" = -c ]; then',
      `  v=$(${h} version --short) || exit $?`,
      '  case "$v" in',
      '    v3.*) echo "$v" ;;',
      '    *) echo "v3.0.0 (compatibility shim in front of helm $v)" ;;',
      '  esac',
      '  exit 0',
      'fi',
      `exec ${h} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o700 },
  );
  return shim;
}

/**
 * Runs `fn` with a fresh helm home (config, cache, data, registry logins)
 * in the system's temp directory, removed afterwards: nothing of the
 * backend user's own helm or git setup is read, and nothing a Promotion
 * configures (credentials included) outlives it.
 */
export async function withHelmHome<T>(
  helmPath: string | undefined,
  fn: (home: HelmHome) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kargo-helm-home-'));
  try {
    const config = join(dir, 'config');
    const cache = join(dir, 'cache');
    const data = join(dir, 'data');
    await Promise.all([config, cache, data].map(d => mkdir(d)));
    const repositoryConfig = join(config, 'repositories.yaml');
    const env = {
      HOME: dir,
      XDG_CONFIG_HOME: config,
      XDG_CACHE_HOME: cache,
      XDG_DATA_HOME: data,
      HELM_CONFIG_HOME: config,
      HELM_CACHE_HOME: cache,
      HELM_DATA_HOME: data,
      HELM_REPOSITORY_CONFIG: repositoryConfig,
      HELM_REPOSITORY_CACHE: join(cache, 'repository'),
      HELM_REGISTRY_CONFIG: join(config, 'registry', 'config.json'),
      HELM_PLUGINS: join(data, 'plugins'),
      KUBECONFIG: join(config, 'kubeconfig-unused'),
    };
    let helmCommand: string | undefined;
    if (helmPath) {
      const hasShell = await access('/bin/sh').then(
        () => true,
        () => false,
      );
      helmCommand = hasShell
        ? await writeKustomizeShim(dir, helmPath)
        : helmPath;
    }
    return await fn({ dir, env, repositoryConfig, helmCommand });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
