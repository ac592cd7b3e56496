import type { PromotionStepContext } from '@kargo-backstage/plugin-kargo-node';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { allowsPlainHttp } from '../../../warehouses/discovery/registry/reference';
import type { CredentialsProvider } from '../../../warehouses/discovery/types';
import { BinaryFailedError, runBinary } from '../binaries';
import type { ChartDependency } from './chartDependencies';
import type { HelmHome } from './helmHome';

/** The registry host helm dials for an OCI dependency. */
export function ociHost(dep: ChartDependency): string {
  const ref = `${dep.repository.replace(/^oci:\/\//, '')}/${dep.name}`;
  return ref.split('/')[0];
}

/** Helm's cache name for a repository: a hash of its cleaned URL. */
function repositoryName(url: string): string {
  let cleaned = url;
  try {
    const u = new URL(url);
    if (u.pathname === '') u.pathname = '/';
    u.pathname = u.pathname.replace(/\/+$/, '') || '/';
    cleaned = u.toString();
  } catch {
    // not a URL: hash it as written
  }
  return createHash('sha256').update(cleaned).digest('hex');
}

/**
 * Whether helm should talk plain HTTP to `host`: only a loopback or
 * private address (the rule image discovery follows) that does not speak
 * TLS on /v2/ but answers plain HTTP there.
 */
async function speaksPlainHttp(host: string, signal: AbortSignal) {
  if (!allowsPlainHttp(host)) return false;
  const probe = async (scheme: string) => {
    try {
      await fetch(`${scheme}://${host}/v2/`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]),
      }).then(res => res.body?.cancel());
      return true;
    } catch {
      return false;
    }
  };
  return !(await probe('https')) && probe('http');
}

export type RepositoryDeps = {
  step: string;
  helm: string;
  home: HelmHome;
  credentials?: CredentialsProvider;
  ctx: PromotionStepContext;
};

/**
 * Prepares the throw-away helm home for a chart's dependencies as Kargo
 * does: every http(s) repository in repositories.yaml (credentials for
 * https ones only), a registry login per OCI host with credentials.
 * Returns whether helm must use plain HTTP for OCI (Helm has one switch
 * for all registries: on only when every OCI host needs it).
 */
export async function prepareRepositories(
  deps: ChartDependency[],
  { step, helm, home, credentials, ctx }: RepositoryDeps,
): Promise<{ plainHttp: boolean }> {
  const repositories: Array<Record<string, string>> = [];
  const named = new Set<string>();
  const ociHosts = new Map<string, boolean>();
  const loggedIn = new Set<string>();
  for (const dep of deps) {
    const url = dep.repository;
    if (/^https?:\/\//.test(url)) {
      const name = repositoryName(url);
      if (named.has(name)) continue;
      named.add(name);
      const entry: Record<string, string> = { name, url };
      if (url.startsWith('https://')) {
        const creds = await credentials?.lookup('helm', url);
        if (creds) {
          entry.username = creds.username ?? '';
          entry.password = creds.password;
        }
      }
      repositories.push(entry);
    } else if (url.startsWith('oci://')) {
      const host = ociHost(dep);
      if (loggedIn.has(host)) continue;
      let plain = ociHosts.get(host);
      if (plain === undefined) {
        plain = await speaksPlainHttp(host, ctx.signal);
        ociHosts.set(host, plain);
      }
      const chartURL = `oci://${url
        .replace(/^oci:\/\//, '')
        .replace(/\/+$/, '')}/${dep.name}`;
      const creds = await credentials?.lookup('helm', chartURL);
      if (!creds) continue;
      ctx.log(`helm registry login ${host}`);
      await runBinary({
        step,
        path: helm,
        args: [
          'registry',
          'login',
          host,
          '--username',
          creds.username ?? '',
          '--password-stdin',
          ...(plain ? ['--plain-http'] : []),
        ],
        stdin: creds.password,
        cwd: home.dir,
        env: home.env,
        signal: ctx.signal,
      });
      loggedIn.add(host);
    }
  }
  await writeFile(
    home.repositoryConfig,
    stringify({
      apiVersion: '',
      generated: new Date(0).toISOString(),
      repositories,
    }),
    { mode: 0o600 },
  );
  if (repositories.length > 0) {
    await downloadIndexes({ step, helm, home, ctx });
  }
  const hosts = [...ociHosts.values()];
  return { plainHttp: hosts.length > 0 && hosts.every(Boolean) };
}

/**
 * Downloads the index of every repository first, as Kargo does, so that a
 * repository that cannot be read fails the step with its own reason
 * (helm reports those on standard output and would go on without it).
 */
async function downloadIndexes({ step, helm, home, ctx }: RepositoryDeps) {
  try {
    await runBinary({
      step,
      path: helm,
      args: ['repo', 'update'],
      cwd: home.dir,
      env: home.env,
      signal: ctx.signal,
    });
  } catch (error) {
    if (!(error instanceof BinaryFailedError)) throw error;
    const reasons = error.stdoutTail
      .split('\n')
      .filter(line => !line.startsWith('Hang tight'))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new Error(
      `could not download chart repository indexes: ${
        reasons || error.message
      }`,
    );
  }
}

/** `helm dependency update|build <chartDir>` in the prepared home. */
export async function runHelmDependency(
  command: 'update' | 'build',
  chartDir: string,
  plainHttp: boolean,
  { step, helm, home, ctx }: RepositoryDeps,
): Promise<void> {
  const { stderr } = await runBinary({
    step,
    path: helm,
    args: [
      'dependency',
      command,
      chartDir,
      // Indexes were downloaded by prepareRepositories.
      '--skip-refresh',
      ...(plainHttp ? ['--plain-http'] : []),
    ],
    cwd: ctx.workDir,
    env: home.env,
    signal: ctx.signal,
  });
  if (stderr) ctx.log(stderr);
}
