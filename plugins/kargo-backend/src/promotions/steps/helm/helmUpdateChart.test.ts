import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import Ajv from 'ajv';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  findTestRegistry,
  pushChart,
} from '../../../warehouses/discovery/charts/__testUtils__/ociRegistry';
import type { CredentialsProvider } from '../../../warehouses/discovery/types';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import {
  ChartRepoServer,
  makeLocalCertificate,
} from './__testUtils__/chartRepoServer';
import { putFiles } from './__testUtils__/charts';
import { findToolForTests, withPath } from './__testUtils__/tools';
import { createHelmUpdateChartStep } from './helmUpdateChart';

jest.setTimeout(60_000);

function umbrella(repository: string, version: string, name = 'podinfo') {
  return [
    'apiVersion: v2',
    'name: umbrella # the app',
    'version: 0.1.0',
    'dependencies:',
    '  # pinned by Kargo',
    `  - name: ${name}`,
    `    repository: ${repository}`,
    `    version: ${version} # promoted`,
    '',
  ].join('\n');
}

describe('helm-update-chart config schema', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    createHelmUpdateChartStep().configSchema!,
  );

  it.each([
    [
      'the docs example',
      {
        path: './src/charts/my-chart',
        charts: [
          {
            repository: 'https://example-chart-repo',
            name: 'some-chart',
            version: '1.2.3',
          },
        ],
      },
    ],
    ['path only (ranges in Chart.yaml)', { path: 'chart' }],
  ])('accepts %s', (_, config) => {
    expect(validate(config)).toBe(true);
  });

  it.each([
    ['no path', { charts: [] }],
    ['an empty charts list', { path: 'c', charts: [] }],
    [
      'a chart without version',
      { path: 'c', charts: [{ repository: 'r', name: 'n' }] },
    ],
    [
      'an empty chart name',
      { path: 'c', charts: [{ repository: 'r', name: '', version: '1' }] },
    ],
    [
      'an unknown chart field',
      {
        path: 'c',
        charts: [{ repository: 'r', name: 'n', version: '1', alias: 'x' }],
      },
    ],
  ])('rejects %s', (_, config) => {
    expect(validate(config)).toBe(false);
  });
});

describe('helm-update-chart', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let helm: string | undefined;
  let repo: ChartRepoServer;

  beforeAll(async () => {
    helm = await findToolForTests('helm', 'helm-update-chart tests');
    repo = await new ChartRepoServer().start();
    repo.publish({ podinfo: ['1.0.0', '1.1.0', '1.2.0', '2.0.0'] });
  });
  afterAll(() => repo.stop());
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: object, deps = {}) =>
    createHelmUpdateChartStep(deps).run(
      createStepContext(workDir, config as any),
    );
  const read = (path: string) => readFile(join(workDir, path), 'utf8');
  const lockVersions = async () =>
    (
      parse(await read('chart/Chart.lock')).dependencies as Array<{
        version: string;
      }>
    ).map(d => d.version);

  it('sets the version in Chart.yaml (comments kept) and refreshes Chart.lock and charts/', async () => {
    if (!helm) return;
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella(repo.url, '1.0.0'),
    });
    const result = await run({
      path: 'chart',
      charts: [{ repository: repo.url, name: 'podinfo', version: '1.1.0' }],
    });
    expect(await read('chart/Chart.yaml')).toBe(umbrella(repo.url, '1.1.0'));
    expect(await lockVersions()).toEqual(['1.1.0']);
    expect(await readdir(join(workDir, 'chart/charts'))).toEqual([
      'podinfo-1.1.0.tgz',
    ]);
    expect(result).toEqual({
      status: 'Succeeded',
      output: {
        commitMessage:
          'Updated chart dependencies for chart\n\n- podinfo: 1.1.0',
      },
    });

    // A later bump reports old -> new against the lock.
    const next = await run({
      path: 'chart',
      charts: [{ repository: repo.url, name: 'podinfo', version: '1.2.0' }],
    });
    expect(next.output).toEqual({
      commitMessage:
        'Updated chart dependencies for chart\n\n- podinfo: 1.1.0 -> 1.2.0',
    });
    expect(await readdir(join(workDir, 'chart/charts'))).toEqual([
      'podinfo-1.2.0.tgz',
    ]);
  });

  it('resolves the ranges in Chart.yaml when no charts are given', async () => {
    if (!helm) return;
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella(repo.url, '^1.0.0'),
    });
    const result = await run({ path: 'chart' });
    expect(await lockVersions()).toEqual(['1.2.0']);
    expect(await read('chart/Chart.yaml')).toBe(umbrella(repo.url, '^1.0.0'));
    expect(result.output).toEqual({
      commitMessage: 'Updated chart dependencies for chart\n\n- podinfo: 1.2.0',
    });
  });

  it('puts the old Chart.lock back when no version changed', async () => {
    if (!helm) return;
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella(repo.url, '1.1.0'),
    });
    await run({ path: 'chart' });
    const lock = `dependencies:\n- name: podinfo\n  repository: ${repo.url}\n  version: 1.1.0\ndigest: sha256:0000\ngenerated: "2020-01-01T00:00:00Z"\n`;
    await writeFile(join(workDir, 'chart/Chart.lock'), lock);
    const result = await run({
      path: 'chart',
      charts: [{ repository: repo.url, name: 'podinfo', version: '1.1.0' }],
    });
    expect(result).toEqual({ status: 'Succeeded', output: undefined });
    expect(await read('chart/Chart.lock')).toBe(lock);
  });

  it('refuses an update that matches no dependency (name and repository exactly)', async () => {
    if (!helm) return;
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella(repo.url, '1.0.0'),
    });
    const error = await run({
      path: 'chart',
      charts: [
        { repository: `${repo.url}/`, name: 'podinfo', version: '1.1.0' },
      ],
    }).catch(e => e);
    expect(error).toBeInstanceOf(TerminalStepError);
    expect(error.message).toBe(
      `no dependency in Chart.yaml matches update with repository "${repo.url}/" and name "podinfo"`,
    );
    expect(await read('chart/Chart.yaml')).toBe(umbrella(repo.url, '1.0.0'));
  });

  it('updates a dependency from an OCI registry (plain HTTP on loopback)', async () => {
    if (!helm) return;
    const registry = await findTestRegistry();
    if (!registry) return;
    const path = `kargo-tests/helm-steps-${randomBytes(4).toString('hex')}`;
    await pushChart(registry, `${path}/nginx`, 'nginx', '0.1.0');
    await pushChart(registry, `${path}/nginx`, 'nginx', '0.2.0');
    const repository = `oci://${registry}/${path}`;
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella(repository, '0.1.0', 'nginx'),
    });
    const result = await run({
      path: 'chart',
      charts: [{ repository, name: 'nginx', version: '0.2.0' }],
    });
    expect(await lockVersions()).toEqual(['0.2.0']);
    expect(await readdir(join(workDir, 'chart/charts'))).toEqual([
      'nginx-0.2.0.tgz',
    ]);
    expect(result.output).toEqual({
      commitMessage: 'Updated chart dependencies for chart\n\n- nginx: 0.2.0',
    });
  });

  it('sends the credentials it is given to an https repository', async () => {
    if (!helm) return;
    const openssl = await findToolForTests(
      'openssl',
      'helm-update-chart https tests',
    );
    if (!openssl) return;
    const certDir = await mkdtemp(join(tmpdir(), 'kargo-cert-'));
    const { key, cert, certFile } = makeLocalCertificate(openssl, certDir);
    const secured = await new ChartRepoServer({
      tls: { key, cert },
      basicAuth: { username: 'kargo', password: 's3cret' },
    }).start();
    secured.publish({ podinfo: ['3.0.0'] });
    const savedCerts = process.env.SSL_CERT_FILE;
    process.env.SSL_CERT_FILE = certFile;
    try {
      const lookups: string[] = [];
      const credentials: CredentialsProvider = {
        async lookup(type, url) {
          lookups.push(`${type} ${url}`);
          return url === secured.url
            ? { username: 'kargo', password: 's3cret' }
            : undefined;
        },
      };
      await putFiles(workDir, {
        'chart/Chart.yaml': umbrella(secured.url, '3.0.0'),
      });
      await expect(run({ path: 'chart' })).rejects.toThrow(
        /^could not download chart repository indexes: .*401 Unauthorized/,
      );
      await run({ path: 'chart' }, { credentials });
      expect(lookups).toEqual([`helm ${secured.url}`]);
      expect(await lockVersions()).toEqual(['3.0.0']);
      expect(
        secured.requests.some(
          r => r.path === '/podinfo-3.0.0.tgz' && r.authorized,
        ),
      ).toBe(true);
    } finally {
      if (savedCerts === undefined) delete process.env.SSL_CERT_FILE;
      else process.env.SSL_CERT_FILE = savedCerts;
      await secured.stop();
      await rm(certDir, { recursive: true, force: true });
    }
  });

  it('refuses local dependencies outside the work directory', async () => {
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella('file://../../elsewhere', '1.0.0'),
    });
    await expect(run({ path: 'chart' })).rejects.toThrow(
      'invalid dependency "file://../../elsewhere"',
    );
  });

  it('names the missing binary when helm is not on PATH', async () => {
    await putFiles(workDir, {
      'chart/Chart.yaml': umbrella(repo.url, '1.0.0'),
    });
    await withPath('', async () => {
      await expect(run({ path: 'chart' })).rejects.toThrow(
        "helm-update-chart needs the `helm` binary on the backend's PATH",
      );
    });
  });
});
