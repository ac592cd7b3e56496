import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CredentialsProvider,
  DiscoveryContext,
  DiscoveryError,
  RepositoryCredentials,
} from '../types';
import { reportMissingServer } from '../../../__testUtils__/testServers';
import { ChartDiscoverer, ChartDiscoverySubscription } from './ChartDiscoverer';
import { HelmIndexCache } from './helmIndex';
import { OciTagLister } from './ociTags';
import { RegistryClientTagLister } from './registryClientTagLister';
import { HelmRepoServer, makeIndexYaml } from './__testUtils__/chartRepo';
import {
  FakeTokenRegistry,
  findTestRegistry,
  pushChart,
} from './__testUtils__/ociRegistry';

jest.setTimeout(20_000);

function creds(
  map: Record<string, RepositoryCredentials> = {},
): CredentialsProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async lookup(type, repoURL) {
      calls.push(`${type} ${repoURL}`);
      return map[repoURL];
    },
  };
}

const ctx = (
  map?: Record<string, RepositoryCredentials>,
): DiscoveryContext => ({ credentials: creds(map) });

function sub(
  s: Partial<ChartDiscoverySubscription> & { repoURL: string },
): ChartDiscoverySubscription {
  return { discoveryLimit: 20, ...s } as ChartDiscoverySubscription;
}

async function failure(p: Promise<unknown>): Promise<DiscoveryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DiscoveryError);
    return e as DiscoveryError;
  }
  throw new Error('expected a DiscoveryError');
}

describe('ChartDiscoverer, classic HTTP repositories', () => {
  let repo: HelmRepoServer;

  beforeAll(async () => {
    repo = await new HelmRepoServer().start();
    repo.publish('/charts/', {
      app: [
        '1.0.0',
        '1.1.0',
        '1.2.0-rc.1',
        '2.0.0-beta.2',
        '2.0.0-beta.10',
        '0.9.0',
        'v1.1.5',
        '1.3',
        'latest',
        '01.2.3',
        '1.0.0+build.a',
        '1.0.0+build.b',
      ],
      other: ['5.0.0'],
    });
    repo.setFile('/broken/index.yaml', 'entries: [unclosed\n  - : :');
    repo.setFile('/notmap/index.yaml', 'entries:\n  - app\n');
    repo.setFile('/empty/index.yaml', makeIndexYaml({ app: [] }));
  });
  afterAll(() => repo.stop());

  it('lists every semver version highest first without a constraint, prereleases included', async () => {
    const result = await new ChartDiscoverer().discover(
      sub({ repoURL: `${repo.url}/charts`, name: 'app' }),
      ctx(),
    );
    // Kargo: no constraint => every parsable version (NewVersion, loose);
    // "latest" and "01.2.3" are skipped; equal versions are ordered by
    // their text, descending.
    expect(result).toEqual({
      repoURL: `${repo.url}/charts`,
      name: 'app',
      versions: [
        '2.0.0-beta.10',
        '2.0.0-beta.2',
        '1.3',
        '1.2.0-rc.1',
        'v1.1.5',
        '1.1.0',
        '1.0.0+build.b',
        '1.0.0+build.a',
        '1.0.0',
        '0.9.0',
      ],
    });
  });

  it('applies Masterminds constraints: no prereleases unless the constraint names one', async () => {
    const d = new ChartDiscoverer();
    const url = `${repo.url}/charts/`;
    const run = async (semverConstraint: string) =>
      (
        await d.discover(
          sub({ repoURL: url, name: 'app', semverConstraint }),
          ctx(),
        )
      ).versions;
    expect(await run('^1.0.0')).toEqual([
      '1.3',
      'v1.1.5',
      '1.1.0',
      '1.0.0+build.b',
      '1.0.0+build.a',
      '1.0.0',
    ]);
    expect(await run('~1.1')).toEqual(['v1.1.5', '1.1.0']);
    // A group naming a prerelease admits every prerelease within its bounds
    // (Masterminds), 2.0.0-beta.* < 2.0.0 included.
    expect(await run('>=1.2.0-0, <2.0.0')).toEqual([
      '2.0.0-beta.10',
      '2.0.0-beta.2',
      '1.3',
      '1.2.0-rc.1',
    ]);
    expect(await run('>= 2.0.0-beta.3')).toEqual(['2.0.0-beta.10']);
    expect(await run('1.x || 0.9')).toEqual([
      '1.3',
      'v1.1.5',
      '1.1.0',
      '1.0.0+build.b',
      '1.0.0+build.a',
      '1.0.0',
      '0.9.0',
    ]);
    const result = await d.discover(
      sub({ repoURL: url, name: 'app', semverConstraint: '<1.0.0' }),
      ctx(),
    );
    expect(result).toEqual({
      repoURL: url,
      name: 'app',
      semverConstraint: '<1.0.0',
      versions: ['0.9.0'],
    });
  });

  it('honours discoveryLimit and copies subscriptionName', async () => {
    const result = await new ChartDiscoverer().discover(
      sub({
        repoURL: `${repo.url}/charts`,
        name: 'app',
        semverConstraint: '>=1.0.0',
        discoveryLimit: 2,
        subscriptionName: 'frontend',
      }),
      ctx(),
    );
    expect(result.versions).toEqual(['1.3', 'v1.1.5']);
    expect(result.subscriptionName).toBe('frontend');
  });

  it('looks up helm credentials for the repoURL', async () => {
    const provider = creds();
    await new ChartDiscoverer().discover(
      sub({ repoURL: `${repo.url}/charts`, name: 'other' }),
      { credentials: provider },
    );
    expect(provider.calls).toEqual([`helm ${repo.url}/charts`]);
  });

  it('fails with actionable reasons', async () => {
    const d = new ChartDiscoverer();
    let e = await failure(
      d.discover(sub({ repoURL: `${repo.url}/charts`, name: 'nope' }), ctx()),
    );
    expect(e.reason).toBe('NotFound');
    expect(e.message).toMatch(/chart "nope" is not in the index/);

    e = await failure(
      d.discover(
        sub({
          repoURL: `${repo.url}/charts`,
          name: 'app',
          semverConstraint: '^7.0.0',
        }),
        ctx(),
      ),
    );
    expect(e.reason).toBe('NotFound');
    expect(e.message).toMatch(/none of the 10 versions .* "\^7.0.0"/);

    e = await failure(
      d.discover(sub({ repoURL: `${repo.url}/empty`, name: 'app' }), ctx()),
    );
    expect(e.reason).toBe('NotFound');
    expect(e.message).toMatch(/has no semantic versions/);

    e = await failure(
      d.discover(sub({ repoURL: `${repo.url}/missing`, name: 'app' }), ctx()),
    );
    expect(e.reason).toBe('NotFound');
    expect(e.message).toMatch(/answered 404: check that repoURL is the root/);

    e = await failure(
      d.discover(sub({ repoURL: `${repo.url}/broken`, name: 'app' }), ctx()),
    );
    expect(e.reason).toBe('InvalidResponse');
    expect(e.message).toMatch(/is not valid YAML/);

    e = await failure(
      d.discover(sub({ repoURL: `${repo.url}/notmap`, name: 'app' }), ctx()),
    );
    expect(e.reason).toBe('InvalidResponse');
    expect(e.message).toMatch(/"entries" is not a mapping/);

    e = await failure(
      d.discover(
        sub({
          repoURL: `${repo.url}/charts`,
          name: 'app',
          semverConstraint: '>=1.0.0 <<',
        }),
        ctx(),
      ),
    );
    expect(e.reason).toBe('InvalidSubscription');

    e = await failure(
      d.discover(sub({ repoURL: `${repo.url}/charts` }), ctx()),
    );
    expect(e.reason).toBe('InvalidSubscription');

    e = await failure(
      d.discover(
        sub({ repoURL: 'oci://127.0.0.1:1/charts/app', name: 'app' }),
        ctx(),
      ),
    );
    expect(e.reason).toBe('InvalidSubscription');
  });

  it('maps server errors, unreachable servers and timeouts', async () => {
    const d = new ChartDiscoverer({ requestTimeoutMs: 300 });
    const s = sub({ repoURL: `${repo.url}/charts`, name: 'app' });
    try {
      repo.override = 503;
      expect((await failure(d.discover(s, ctx()))).reason).toBe('ServerError');
      repo.override = 429;
      expect((await failure(d.discover(s, ctx()))).reason).toBe('RateLimited');
      repo.override = 'hang';
      const started = Date.now();
      const e = await failure(d.discover(s, ctx()));
      expect(e.reason).toBe('Timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      repo.override = undefined;
    }

    // A port nothing listens on.
    const closed = await new HelmRepoServer().start();
    const deadURL = closed.url;
    await closed.stop();
    const e = await failure(
      d.discover(sub({ repoURL: deadURL, name: 'app' }), ctx()),
    );
    expect(e.reason).toBe('Unreachable');
    expect(e.message).toMatch(/ECONNREFUSED/);

    // Cancellation through the context's signal.
    repo.override = 'hang';
    try {
      const controller = new AbortController();
      const p = new ChartDiscoverer().discover(s, {
        credentials: creds(),
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      expect((await failure(p)).message).toMatch(/cancelled/);
    } finally {
      repo.override = undefined;
    }
  });

  it('refuses indexes larger than maxIndexBytes', async () => {
    const e = await failure(
      new ChartDiscoverer({ maxIndexBytes: 100 }).discover(
        sub({ repoURL: `${repo.url}/charts`, name: 'app' }),
        ctx(),
      ),
    );
    expect(e.reason).toBe('InvalidResponse');
    expect(e.message).toMatch(/larger than 100 bytes/);
  });
});

describe('ChartDiscoverer, index caching', () => {
  const bigCharts: Record<string, string[]> = {};
  for (let c = 0; c < 200; c++) {
    bigCharts[`chart-${c}`] = Array.from(
      { length: 25 },
      (_, i) => `${Math.floor(i / 5)}.${i % 5}.${c % 3}`,
    );
  }

  it('revalidates with If-None-Match and does not parse an unchanged index again', async () => {
    const repo = await new HelmRepoServer().start();
    try {
      repo.setFile('/index.yaml', makeIndexYaml(bigCharts));
      const cache = new HelmIndexCache();
      const d = new ChartDiscoverer({ indexCache: cache });
      const s = sub({ repoURL: repo.url, name: 'chart-7' });

      const first = await d.discover(s, ctx());
      expect(first.versions[0]).toBe('4.4.1');
      expect(cache.stats).toEqual({
        requests: 1,
        notModified: 0,
        unchangedBodies: 0,
        parses: 1,
      });

      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        const again = await d.discover(
          sub({ repoURL: `${repo.url}/`, name: `chart-${i}` }),
          ctx(),
        );
        expect(again.versions).toHaveLength(20);
      }
      expect(Date.now() - started).toBeLessThan(5000);
      expect(cache.stats.requests).toBe(21);
      expect(cache.stats.notModified).toBe(20);
      expect(cache.stats.parses).toBe(1);
      const conditional = repo.requests.slice(1);
      expect(conditional.every(r => r.status === 304)).toBe(true);
      expect(conditional[0].headers['if-none-match']).toMatch(/^"[0-9a-f]+"$/);

      // A changed index is downloaded and parsed again.
      repo.setFile(
        '/index.yaml',
        makeIndexYaml({ ...bigCharts, 'chart-7': ['9.0.0'] }),
      );
      expect((await d.discover(s, ctx())).versions).toEqual(['9.0.0']);
      expect(cache.stats.parses).toBe(2);
      expect(repo.requests[repo.requests.length - 1].status).toBe(200);
    } finally {
      await repo.stop();
    }
  });

  it.each([
    ['last-modified', { notModified: 1, unchangedBodies: 0 }],
    ['none', { notModified: 0, unchangedBodies: 1 }],
  ] as const)(
    'with validators %s, an unchanged index is not parsed again',
    async (validators, expected) => {
      const repo = await new HelmRepoServer({ validators }).start();
      try {
        repo.publish('/', { app: ['1.0.0', '1.1.0'] });
        const cache = new HelmIndexCache();
        const d = new ChartDiscoverer({ indexCache: cache });
        const s = sub({ repoURL: repo.url, name: 'app' });
        await d.discover(s, ctx());
        expect((await d.discover(s, ctx())).versions).toEqual([
          '1.1.0',
          '1.0.0',
        ]);
        expect(cache.stats).toEqual({ requests: 2, parses: 1, ...expected });
        expect(Boolean(repo.requests[1].headers['if-modified-since'])).toBe(
          validators === 'last-modified',
        );
        repo.publish('/', { app: ['1.0.0', '1.1.0', '1.2.0'] });
        expect((await d.discover(s, ctx())).versions[0]).toBe('1.2.0');
        expect(cache.stats.parses).toBe(2);
      } finally {
        await repo.stop();
      }
    },
  );

  it('bounds the cache', async () => {
    const repo = await new HelmRepoServer().start();
    try {
      for (const p of ['/a/', '/b/', '/c/'])
        repo.publish(p, { app: ['1.0.0'] });
      const cache = new HelmIndexCache(2);
      const d = new ChartDiscoverer({ indexCache: cache });
      for (const p of ['a', 'b', 'c', 'a']) {
        await d.discover(
          sub({ repoURL: `${repo.url}/${p}`, name: 'app' }),
          ctx(),
        );
      }
      expect(cache.size).toBe(2);
      expect(cache.stats.parses).toBe(4);
    } finally {
      await repo.stop();
    }
  });
});

describe('ChartDiscoverer, Basic auth', () => {
  const user = { username: 'kargo', password: 's3cr3t-pw' };
  let repo: HelmRepoServer;
  beforeAll(async () => {
    repo = await new HelmRepoServer({ basicAuth: user }).start();
    repo.publish('/', { app: ['1.0.0', '2.0.0'] });
  });
  afterAll(() => repo.stop());

  it('sends the credentials found for the repository', async () => {
    const result = await new ChartDiscoverer().discover(
      sub({ repoURL: repo.url, name: 'app' }),
      ctx({ [repo.url]: user }),
    );
    expect(result.versions).toEqual(['2.0.0', '1.0.0']);
  });

  it('reads credentials embedded in the URL without leaking them', async () => {
    const url = repo.url.replace('http://', `http://kargo:${user.password}@`);
    const result = await new ChartDiscoverer().discover(
      sub({ repoURL: url, name: 'app' }),
      ctx(),
    );
    expect(result.versions).toEqual(['2.0.0', '1.0.0']);
    const e = await failure(
      new ChartDiscoverer().discover(
        sub({ repoURL: url.replace('s3cr3t', 'wrong'), name: 'app' }),
        ctx(),
      ),
    );
    expect(e.message).not.toMatch(/wrong-pw|kargo:/);
  });

  it('fails Unauthorized without or with wrong credentials, without secrets', async () => {
    let e = await failure(
      new ChartDiscoverer().discover(
        sub({ repoURL: repo.url, name: 'app' }),
        ctx(),
      ),
    );
    expect(e.reason).toBe('Unauthorized');
    expect(e.message).toMatch(/needs credentials/);
    e = await failure(
      new ChartDiscoverer().discover(
        sub({ repoURL: repo.url, name: 'app' }),
        ctx({ [repo.url]: { username: 'kargo', password: 'bad-password' } }),
      ),
    );
    expect(e.reason).toBe('Unauthorized');
    expect(e.message).toMatch(/were rejected/);
    expect(e.message).not.toMatch(/bad-password/);
  });
});

describe('ChartDiscoverer, TLS', () => {
  let dir: string | undefined;
  let server: https.Server | undefined;
  let url = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kargo-charts-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          path.join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore', timeout: 10_000 },
      );
    } catch (e) {
      const message = `openssl is not available (${
        (e as Error).message
      }): the TLS chart tests are skipped`;
      reportMissingServer(message);
      return;
    }
    const index = makeIndexYaml({ app: ['3.0.0'] });
    server = https.createServer(
      {
        key: fs.readFileSync(path.join(dir, 'key.pem')),
        cert: fs.readFileSync(path.join(dir, 'cert.pem')),
      },
      (_req, res) => res.end(index),
    );
    await new Promise<void>(r => server!.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise(r => server!.close(r));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects an untrusted certificate unless insecureSkipTLSVerify', async () => {
    if (!server) return;
    const d = new ChartDiscoverer();
    const e = await failure(
      d.discover(sub({ repoURL: url, name: 'app' }), ctx()),
    );
    expect(e.reason).toBe('Unreachable');
    expect(e.message).toMatch(/insecureSkipTLSVerify/);
    const result = await d.discover(
      sub({ repoURL: url, name: 'app', insecureSkipTLSVerify: true }),
      ctx(),
    );
    expect(result.versions).toEqual(['3.0.0']);
  });
});

const listers: Array<[string, () => OciTagLister]> = [
  ['shared RegistryClient', () => new RegistryClientTagLister()],
];

describe.each(listers)(
  'ChartDiscoverer, OCI repositories (%s)',
  (_, lister) => {
    let registry: string | undefined;
    const repoName = `kargo-tests/charts-${randomBytes(4).toString('hex')}/app`;

    beforeAll(async () => {
      registry = await findTestRegistry();
      if (!registry) return;
      for (const v of [
        '1.0.0',
        '1.1.0',
        '1.2.0+build.5',
        '2.0.0-rc.1',
        '0.1.0',
      ]) {
        await pushChart(registry, repoName, 'app', v);
      }
      // Not strict semver tags: ignored, as Kargo does (StrictNewVersion).
      await pushChart(registry, repoName, 'app', '1.5.0', 'latest');
      await pushChart(registry, repoName, 'app', '1.6.0', 'v1.6.0');
      await pushChart(registry, repoName, 'app', '1.7', '1.7');
    });

    it('lists tags as versions, "_" read as "+", strict semver only', async () => {
      if (!registry) return;
      const d = new ChartDiscoverer({ ociTagLister: lister() });
      const repoURL = `oci://${registry}/${repoName}`;
      expect(await d.discover(sub({ repoURL }), ctx())).toEqual({
        repoURL,
        versions: ['2.0.0-rc.1', '1.2.0+build.5', '1.1.0', '1.0.0', '0.1.0'],
      });
      const constrained = await d.discover(
        sub({ repoURL, semverConstraint: '^1.0.0', discoveryLimit: 2 }),
        ctx(),
      );
      expect(constrained).toEqual({
        repoURL,
        semverConstraint: '^1.0.0',
        versions: ['1.2.0+build.5', '1.1.0'],
      });
    });

    it('fails NotFound for a repository that does not exist', async () => {
      if (!registry) return;
      const e = await failure(
        new ChartDiscoverer({ ociTagLister: lister() }).discover(
          sub({ repoURL: `oci://${registry}/${repoName}-missing` }),
          ctx(),
        ),
      );
      expect(e.reason).toBe('NotFound');
      expect(e.message).toMatch(/check|not found/i);
    });
  },
);

describe.each(listers)(
  'ChartDiscoverer, OCI with token auth and pagination (%s)',
  (_, lister) => {
    const user = { username: 'robot', password: 'token-pw-123' };
    let fake: FakeTokenRegistry;
    beforeAll(async () => {
      fake = await new FakeTokenRegistry(
        'org/charts/app',
        ['0.1.0', '0.2.0', '1.0.0', '1.0.1_meta', 'latest', '1.1.0-alpha'],
        user,
      ).start();
    });
    afterAll(() => fake.stop());

    it('gets a token with the credentials and follows Link pages', async () => {
      const repoURL = `oci://${fake.host}/org/charts/app`;
      const provider = creds({ [repoURL]: user });
      const result = await new ChartDiscoverer({
        ociTagLister: lister(),
      }).discover(sub({ repoURL }), {
        credentials: provider,
      });
      expect(provider.calls).toEqual([`helm ${repoURL}`]);
      expect(result.versions).toEqual([
        '1.1.0-alpha',
        '1.0.1+meta',
        '1.0.0',
        '0.2.0',
        '0.1.0',
      ]);
      const pages = fake.requests.filter(r => r.path.includes('tags/list'));
      // 3 pages of 2 with the token (after an anonymous ping or attempt)
      const authorized = pages.filter(
        r => r.authorization === 'Bearer secret-token',
      );
      expect(authorized).toHaveLength(3);
      // Basic credentials go to the token service only.
      const basic = fake.requests.filter(r =>
        r.authorization?.startsWith('Basic '),
      );
      expect(basic.length).toBeGreaterThan(0);
      expect(basic.every(r => r.path.startsWith('/token?'))).toBe(true);
    });

    it('fails Unauthorized without credentials', async () => {
      const e = await failure(
        new ChartDiscoverer({ ociTagLister: lister() }).discover(
          sub({ repoURL: `oci://${fake.host}/org/charts/app` }),
          ctx(),
        ),
      );
      expect(e.reason).toBe('Unauthorized');
      expect(e.message).not.toMatch(/token-pw-123|secret-token/);
    });

    it('accepts an injected tag lister', async () => {
      const listTags = jest.fn(async () => ['3.0.0', '3.1.0_x']);
      const result = await new ChartDiscoverer({
        ociTagLister: { listTags },
      }).discover(sub({ repoURL: 'oci://ghcr.io/org/chart:1.0.0' }), ctx());
      expect(result.versions).toEqual(['3.1.0+x', '3.0.0']);
      expect(listTags).toHaveBeenCalledWith(
        { host: 'ghcr.io', name: 'org/chart', insecure: false },
        undefined,
        { signal: undefined },
      );
    });

    it('rejects invalid OCI references', async () => {
      const e = await failure(
        new ChartDiscoverer({
          ociTagLister: new RegistryClientTagLister(),
        }).discover(sub({ repoURL: 'oci://ghcr.io/Org/Chart' }), ctx()),
      );
      expect(e.reason).toBe('InvalidSubscription');
    });
  },
);
