import { DiscoveryError } from '../types';
import {
  FakeRegistry,
  FakeRegistryOptions,
} from '../registry/__testUtils__/fakeRegistry';
import { LruCache } from '../registry/lruCache';
import { RateLimiterRegistry, systemClock } from '../registry/rateLimiter';
import {
  imageSubscription,
  staticCredentials,
} from './__testUtils__/subscriptions';
import {
  ImageDiscoverer,
  ImageDiscovererOptions,
  ImageDiscoverySubscription,
  ResolvedImage,
} from './ImageDiscoverer';
import { sortLexicalDescending } from './selection';

const servers: FakeRegistry[] = [];
afterAll(async () => {
  await Promise.all(servers.map(s => s.stop()));
});

async function fake(options: FakeRegistryOptions = {}) {
  const server = await new FakeRegistry(options).start();
  servers.push(server);
  return server;
}

function discoverer(options: ImageDiscovererOptions = {}) {
  return new ImageDiscoverer({
    rateLimiters: new RateLimiterRegistry(systemClock),
    rateLimit: { requestsPerSecond: 10000 },
    contentCache: new LruCache(1000),
    tagCache: new LruCache<ResolvedImage>(1000),
    ...options,
  });
}

const ctx = (extra: Record<string, unknown> = {}) => ({
  credentials: staticCredentials(),
  ...extra,
});

async function discover(
  server: FakeRegistry,
  fields: Partial<ImageDiscoverySubscription>,
  d = discoverer(),
) {
  return d.discover(
    imageSubscription({ repoURL: `${server.host}/app`, ...fields }),
    ctx(),
  );
}

const tagsOf = (r: { references: Array<{ tag: string }> }) =>
  r.references.map(x => x.tag);

describe('selection helpers', () => {
  it('sorts tags in reverse Go byte order', () => {
    expect(
      sortLexicalDescending(['a', 'B', 'b', 'a1', '\uff61', '\u{1f600}']),
    ).toEqual(['\u{1f600}', '\uff61', 'b', 'a1', 'a', 'B']);
  });
});

describe('ImageDiscoverer (fake registry)', () => {
  it('SemVer: highest first, strict by default, constraint, filters, limit', async () => {
    const server = await fake();
    for (const tag of [
      '1.0.0',
      'v1.2.0',
      '1.2.0',
      '1.10.0',
      '2.0.0-rc.1',
      '1.3',
      'latest',
      '1.9.9-debug',
      '0.9.0',
    ]) {
      server.putImage('app', tag, { content: tag });
    }
    // Without a constraint prereleases count too (Kargo: constraint == nil).
    expect(tagsOf(await discover(server, {}))).toEqual([
      '2.0.0-rc.1',
      '1.10.0',
      '1.9.9-debug',
      'v1.2.0',
      '1.2.0',
      '1.0.0',
      '0.9.0',
    ]);
    expect(tagsOf(await discover(server, { strictSemvers: false }))).toContain(
      '1.3',
    );
    expect(tagsOf(await discover(server, { constraint: '^1.2.0' }))).toEqual([
      '1.10.0',
      'v1.2.0',
      '1.2.0',
    ]);
    expect(tagsOf(await discover(server, { constraint: '>=2.0.0-0' }))).toEqual(
      ['2.0.0-rc.1'],
    );
    expect(
      tagsOf(
        await discover(server, {
          allowTagsRegexes: ['^1\\.'],
          ignoreTagsRegexes: ['debug', '^1\\.10'],
        }),
      ),
    ).toEqual(['1.2.0', '1.0.0']);
    const limited = await discover(server, { discoveryLimit: 2 });
    expect(tagsOf(limited)).toEqual(['2.0.0-rc.1', '1.10.0']);
    expect(limited.references[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(limited.references[0].createdAt).toBeUndefined();
    // The context's discoveryLimit wins.
    const viaContext = await discoverer().discover(
      imageSubscription({ repoURL: `${server.host}/app` }),
      ctx({ discoveryLimit: 1 }),
    );
    expect(tagsOf(viaContext)).toEqual(['2.0.0-rc.1']);
  });

  it('Lexical: reverse lexical order after filtering', async () => {
    const server = await fake();
    for (const tag of ['a', 'c', 'b10', 'b9', 'B'])
      server.putImage('app', tag, { content: tag });
    expect(
      tagsOf(
        await discover(server, {
          imageSelectionStrategy: 'Lexical',
          ignoreTagsRegexes: ['^a$'],
        }),
      ),
    ).toEqual(['c', 'b9', 'b10', 'B']);
  });

  it('NewestBuild: annotations, later labels, else config created; newest first', async () => {
    const server = await fake();
    server.putImage('app', 'annotated', {
      content: 'a',
      created: '2020-01-01T00:00:00Z',
      annotations: {
        'org.opencontainers.image.created': '2024-03-01T00:00:00Z',
      },
    });
    server.putImage('app', 'labelled', {
      content: 'b',
      created: '2024-01-01T00:00:00Z',
      labels: { 'org.label-schema.build-date': '2024-02-01T00:00:00Z' },
    });
    server.putImage('app', 'old-label', {
      content: 'c',
      created: '2024-01-15T00:00:00Z',
      labels: { 'org.opencontainers.image.created': '2019-01-01T00:00:00Z' },
    });
    server.putImage('app', 'index', {
      platforms: [
        { content: 'd1', created: '2023-01-01T00:00:00Z' },
        {
          content: 'd2',
          architecture: 'arm64',
          created: '2023-06-01T00:00:00Z',
        },
      ],
    });
    const result = await discover(server, {
      imageSelectionStrategy: 'NewestBuild',
    });
    expect(result.references.map(r => [r.tag, r.createdAt])).toEqual([
      ['annotated', '2024-03-01T00:00:00Z'],
      ['labelled', '2024-02-01T00:00:00Z'],
      ['old-label', '2024-01-15T00:00:00Z'],
      ['index', '2023-06-01T00:00:00Z'],
    ]);
    expect(result.references[0].annotations).toEqual({
      'org.opencontainers.image.created': '2024-03-01T00:00:00Z',
    });
    const limited = await discover(server, {
      imageSelectionStrategy: 'NewestBuild',
      discoveryLimit: 1,
    });
    expect(tagsOf(limited)).toEqual(['annotated']);
  });

  it('NewestBuild fetches metadata once per digest', async () => {
    const server = await fake();
    for (let i = 0; i < 12; i++) {
      server.putImage('app', `t${i}`, {
        content: `${i}`,
        created: `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
      });
    }
    const d = discoverer();
    const first = await discover(
      server,
      { imageSelectionStrategy: 'NewestBuild', discoveryLimit: 3 },
      d,
    );
    expect(tagsOf(first)).toEqual(['t11', 't10', 't9']);
    expect(server.count('GET', /manifests/)).toBe(12);
    expect(server.count('GET', /blobs/)).toBe(12);
    await discover(
      server,
      { imageSelectionStrategy: 'NewestBuild', discoveryLimit: 3 },
      d,
    );
    expect(server.count('GET', /manifests/)).toBe(12);
    expect(server.count('GET', /blobs/)).toBe(12);
    expect(server.count('HEAD', /manifests/)).toBe(24);
  });

  it('Digest: the current digest of the mutable tag, none when absent', async () => {
    const server = await fake();
    const first = server.putImage('app', 'latest', {
      content: '1',
      annotations: { a: '1' },
    });
    const result = await discover(server, {
      imageSelectionStrategy: 'Digest',
      constraint: 'latest',
      name: 'sub-a',
    });
    expect(result).toEqual({
      repoURL: `${server.host}/app`,
      subscriptionName: 'sub-a',
      references: [{ tag: 'latest', digest: first, annotations: { a: '1' } }],
    });
    const second = server.putImage('app', 'latest', { content: '2' });
    expect(
      (
        await discover(server, {
          imageSelectionStrategy: 'Digest',
          constraint: 'latest',
        })
      ).references,
    ).toEqual([{ tag: 'latest', digest: second }]);
    expect(
      (
        await discover(server, {
          imageSelectionStrategy: 'Digest',
          constraint: 'nope',
        })
      ).references,
    ).toEqual([]);
    // Digest never lists tags.
    expect(server.count('GET', /tags\/list/)).toBe(0);
  });

  it('platform: picks indexes with the platform, merges its annotations, skips single manifests', async () => {
    const server = await fake();
    const idx = server.putImage('app', '1.1.0', {
      annotations: { top: 'index', shared: 'index' },
      platforms: [
        { content: 'x', descriptorAnnotations: { shared: 'amd64' } },
        {
          content: 'y',
          architecture: 'arm64',
          variant: 'v8',
          descriptorAnnotations: { shared: 'arm64' },
        },
      ],
    });
    server.putImage('app', '1.2.0', {
      platforms: [{ content: 'z', architecture: 'arm64', variant: 'v8' }],
    });
    server.putImage('app', '1.3.0', { content: 'single' });
    const amd = await discover(server, { platform: 'linux/amd64' });
    expect(amd.platform).toBe('linux/amd64');
    expect(amd.references).toEqual([
      {
        tag: '1.1.0',
        digest: idx,
        annotations: { top: 'index', shared: 'amd64' },
      },
    ]);
    expect(
      tagsOf(await discover(server, { platform: 'linux/arm64/v8' })),
    ).toEqual(['1.2.0', '1.1.0']);
    expect(tagsOf(await discover(server, { platform: 'linux/arm64' }))).toEqual(
      [],
    );
    expect(
      tagsOf(
        await discover(server, {
          platform: 'linux/arm64/v8',
          discoveryLimit: 1,
        }),
      ),
    ).toEqual(['1.2.0']);
  });

  it('SemVer over many tags: HEADs only the top discoveryLimit, zero manifest GETs', async () => {
    const server = await fake({ paginate: true });
    for (let i = 0; i < 300; i++)
      server.putImage('app', `1.0.${i}`, {
        content: `${i}`,
        annotations: { n: `${i}` },
      });
    const lean = discoverer({ recordAnnotations: false, pageSize: 100 });
    const result = await discover(server, { discoveryLimit: 5 }, lean);
    expect(tagsOf(result)).toEqual([
      '1.0.299',
      '1.0.298',
      '1.0.297',
      '1.0.296',
      '1.0.295',
    ]);
    expect(result.references[0].annotations).toBeUndefined();
    expect(server.count('GET', /tags\/list/)).toBe(3);
    expect(server.count('HEAD', /manifests/)).toBe(5);
    expect(server.count('GET', /manifests|blobs/)).toBe(0);

    // With annotations (the default, as Kargo): one GET per new digest among
    // the selected tags, none once they are cached.
    const d = discoverer({ pageSize: 100 });
    const annotated = await discover(server, { discoveryLimit: 5 }, d);
    expect(annotated.references[0].annotations).toEqual({ n: '299' });
    expect(server.count('GET', /manifests/)).toBe(5);
    await discover(server, { discoveryLimit: 5 }, d);
    expect(server.count('GET', /manifests/)).toBe(5);
    expect(server.count('GET', /blobs/)).toBe(0);
  });

  it.each([
    ['with ETags', {}],
    ['without ETags', { noEtags: true }],
  ])(
    're-checks resolve every selected tag again (%s): re-tags, new and deleted tags are seen',
    async (_name, options) => {
      const server = await fake(options);
      const digests: Record<string, string> = {};
      for (let i = 0; i < 10; i++) {
        digests[`1.0.${i}`] = server.putImage('app', `1.0.${i}`, {
          content: `${i}`,
          annotations: { n: `${i}` },
        });
      }
      const d = discoverer();
      const sub = { discoveryLimit: 3 };
      const first = await discover(server, sub, d);
      expect(first.references.map(r => [r.tag, r.digest])).toEqual([
        ['1.0.9', digests['1.0.9']],
        ['1.0.8', digests['1.0.8']],
        ['1.0.7', digests['1.0.7']],
      ]);

      // Unchanged: the list and a HEAD per selected tag, nothing else.
      let seen = server.requests.length;
      const since = () => server.requests.slice(seen);
      expect(await discover(server, sub, d)).toEqual(first);
      // (The HEADs go out with the list, in no particular order.)
      expect(
        since()
          .map(r => `${r.method} ${r.path}`)
          .sort(),
      ).toEqual([
        'GET /v2/app/tags/list',
        'HEAD /v2/app/manifests/1.0.7',
        'HEAD /v2/app/manifests/1.0.8',
        'HEAD /v2/app/manifests/1.0.9',
      ]);
      expect(since().find(r => r.path.endsWith('/1.0.9'))?.ifNoneMatch).toBe(
        'noEtags' in options ? undefined : `"${digests['1.0.9']}"`,
      );

      // 1.0.8 re-tagged to a rebuilt image: its new digest and annotations.
      seen = server.requests.length;
      const rebuilt = server.putImage('app', '1.0.8', {
        content: 'rebuilt',
        annotations: { n: 'rebuilt' },
      });
      const retagged = await discover(server, sub, d);
      expect(retagged.references[1]).toEqual({
        tag: '1.0.8',
        digest: rebuilt,
        annotations: { n: 'rebuilt' },
      });
      expect(retagged.references[0]).toEqual(first.references[0]);
      expect(server.count('HEAD', /manifests/)).toBe(9);
      expect(since().filter(r => r.method === 'GET').length).toBe(2); // list, new manifest

      // A new highest tag, and a selected one deleted.
      server.putImage('app', '1.1.0', { content: 'new' });
      server.deleteTag('app', '1.0.9');
      expect(tagsOf(await discover(server, sub, d))).toEqual([
        '1.1.0',
        '1.0.8',
        '1.0.7',
      ]);
    },
  );

  it('a re-check reports a failing HEAD once, without asking again', async () => {
    let failing = false;
    const server = await fake({
      intercept: r =>
        failing && r.method === 'HEAD' && r.path.endsWith('/1.0.2')
          ? { status: 503 }
          : undefined,
    });
    for (let i = 0; i < 3; i++) {
      server.putImage('app', `1.0.${i}`, { content: `${i}` });
    }
    const d = discoverer();
    await discover(server, {}, d);
    failing = true;
    await expect(discover(server, {}, d)).rejects.toMatchObject({
      reason: 'ServerError',
    });
    expect(server.count('HEAD', /\/1\.0\.2$/)).toBe(2); // one per discovery
  });

  it('re-checks list first and send every HEAD through the rate limiter', async () => {
    const server = await fake();
    for (let i = 0; i < 8; i++) {
      server.putImage('app', `1.0.${i}`, { content: `${i}` });
    }
    // Time stands still; each wait the limiter asks for is recorded.
    const waits: number[] = [];
    const clock = {
      t: 1_000_000,
      now: () => clock.t,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
    };
    const requests: string[] = [];
    const d = discoverer({
      rateLimiters: new RateLimiterRegistry(clock),
      // 50 ms apart, no burst.
      rateLimit: { requestsPerSecond: 20, burst: 1 },
      onRequest: (method, url) => {
        requests.push(`${method} ${new URL(url).pathname}`);
      },
    });
    await discover(server, { discoveryLimit: 5 }, d);
    clock.t += 60_000; // the next poll, a minute later
    waits.length = 0;
    requests.length = 0;
    await discover(server, { discoveryLimit: 5 }, d);
    // The tag list goes first (the HEADs started with it queue behind it),
    // then the 5 HEADs, each in a slot of its own, 50 ms apart.
    expect(requests[0]).toBe('GET /v2/app/tags/list');
    expect(requests.slice(1).sort()).toEqual(
      [3, 4, 5, 6, 7].map(i => `HEAD /v2/app/manifests/1.0.${i}`),
    );
    expect(waits).toEqual([50, 100, 150, 200, 250]);
  });

  it('cacheByTag skips HEADs for known tags; the policy can force or forbid it', async () => {
    const server = await fake();
    for (const t of ['1.0.0', '1.1.0'])
      server.putImage('app', t, { content: t });
    const d = discoverer();
    await discover(server, { cacheByTag: true }, d);
    await discover(server, { cacheByTag: true }, d);
    expect(server.count('HEAD', /manifests/)).toBe(2);
    const forbid = discoverer({ cacheByTagPolicy: 'Forbid' });
    await discover(server, { cacheByTag: true }, forbid);
    await discover(server, { cacheByTag: true }, forbid);
    expect(server.count('HEAD', /manifests/)).toBe(6);
    await expect(
      discover(server, {}, discoverer({ cacheByTagPolicy: 'Require' })),
    ).rejects.toThrow(/required by controller configuration/);
  });

  it('rejects deprecated and invalid fields as Kargo does', async () => {
    const server = await fake();
    const err = async (fields: Partial<ImageDiscoverySubscription>) => {
      const e = await discover(server, fields).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(DiscoveryError);
      expect((e as DiscoveryError).reason).toBe('InvalidSubscription');
      return (e as Error).message;
    };
    expect(await err({ allowTags: '^v' })).toBe(
      'allowTags is deprecated and unsupported as of v1.11.0; use allowTagsRegexes instead',
    );
    expect(await err({ ignoreTags: ['x'] })).toBe(
      'ignoreTags is deprecated and unsupported as of v1.11.0; use ignoreTagsRegexes instead',
    );
    expect(await err({ allowTagsRegexes: ['(?=x)'] })).toMatch(/lookahead/);
    expect(await err({ constraint: 'not a range' })).toMatch(
      /semver constraint/,
    );
    expect(await err({ platform: 'linux' })).toMatch(/platform/);
    // No request was made for invalid subscriptions.
    expect(server.requests).toHaveLength(0);
    // Digest is not tag based: the deprecated fields do not matter there.
    server.putImage('app', 'latest', {});
    await expect(
      discover(server, {
        imageSelectionStrategy: 'Digest',
        constraint: 'latest',
        ignoreTags: ['x'],
      }),
    ).resolves.toBeDefined();
  });

  it('fails on non-image artifacts and empty indexes, as Kargo', async () => {
    const server = await fake();
    server.putManifest(
      'app',
      '1.0.0',
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [],
      }),
    );
    await expect(discover(server, {})).rejects.toThrow(
      /empty V2 manifest list or OCI index/,
    );
  });

  it('looks credentials up for the repoURL and uses bearer tokens', async () => {
    const server = await fake({
      auth: { scheme: 'bearer', username: 'bot', password: 'pw' },
    });
    server.putImage('app', '1.0.0', {});
    const credentials = staticCredentials({ username: 'bot', password: 'pw' });
    const result = await discoverer().discover(
      imageSubscription({ repoURL: `${server.host}/app` }),
      { credentials },
    );
    expect(tagsOf(result)).toEqual(['1.0.0']);
    expect(credentials.lookups).toEqual([`image:${server.host}/app`]);
    expect(server.tokenRequests).toBe(1);
    const anonymous = discoverer().discover(
      imageSubscription({ repoURL: `${server.host}/app` }),
      ctx(),
    );
    await expect(anonymous).rejects.toMatchObject({ reason: 'Unauthorized' });
  });
});
