/**
 * ImageDiscoverer against the real distribution registry (Debian's
 * `docker-registry`), fed with skopeo from hand-made OCI layouts.
 */
import { randomBytes } from 'node:crypto';
import { pushTestImage } from '../registry/__testUtils__/ociLayout';
import {
  requireTools,
  sharedTestRegistry,
  startTestRegistry,
  TestRegistryInstance,
} from '../registry/__testUtils__/testRegistry';
import { LruCache } from '../registry/lruCache';
import { RateLimiterRegistry } from '../registry/rateLimiter';
import {
  imageSubscription,
  staticCredentials,
} from './__testUtils__/subscriptions';
import { ImageDiscoverer, ResolvedImage } from './ImageDiscoverer';

jest.setTimeout(60_000);

const discoverer = () =>
  new ImageDiscoverer({
    rateLimiters: new RateLimiterRegistry(),
    rateLimit: { requestsPerSecond: 200 },
    contentCache: new LruCache(1000),
    tagCache: new LruCache<ResolvedImage>(1000),
  });

const tagsOf = (r: { references: Array<{ tag: string }> }) =>
  r.references.map(x => x.tag);

describe('ImageDiscoverer on the shared registry', () => {
  let host: string | undefined;
  const repo = `kargo-test/images-${randomBytes(4).toString('hex')}`;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    host = await sharedTestRegistry('ImageDiscoverer registry tests');
    if (!host) return;
    const push = async (
      tag: string,
      content: Parameters<typeof pushTestImage>[0]['content'],
    ) => {
      digests[tag] = await pushTestImage({ host: host!, repo, tag, content });
    };
    await push('1.0.0', { content: 'a', created: '2024-05-01T00:00:00Z' });
    await push('1.1.0', {
      content: 'b',
      created: '2024-01-01T00:00:00Z',
      annotations: { 'org.opencontainers.image.revision': 'abc123' },
    });
    await push('1.2.0-rc.1', { content: 'c', created: '2024-02-01T00:00:00Z' });
    await push('2.0.0', {
      annotations: {
        'org.opencontainers.image.created': '2024-03-01T00:00:00Z',
      },
      platforms: [
        { content: 'd1', created: '2024-03-01T00:00:00Z' },
        {
          content: 'd2',
          architecture: 'arm64',
          created: '2024-03-01T00:00:00Z',
        },
      ],
    });
    await push('latest', { content: 'a', created: '2024-05-01T00:00:00Z' });
  });

  const sub = (fields: Record<string, unknown> = {}) =>
    imageSubscription({ repoURL: `${host}/${repo}`, ...fields });
  const ctx = { credentials: staticCredentials() };

  it('SemVer, with annotations and digests as pushed', async () => {
    if (!host) return;
    const result = await discoverer().discover(sub(), ctx);
    expect(tagsOf(result)).toEqual(['2.0.0', '1.2.0-rc.1', '1.1.0', '1.0.0']);
    expect(result.references[2]).toEqual({
      tag: '1.1.0',
      digest: digests['1.1.0'],
      annotations: { 'org.opencontainers.image.revision': 'abc123' },
    });
    expect(
      tagsOf(await discoverer().discover(sub({ constraint: '~1.1' }), ctx)),
    ).toEqual(['1.1.0']);
  });

  it('Lexical', async () => {
    if (!host) return;
    const result = await discoverer().discover(
      sub({ imageSelectionStrategy: 'Lexical', discoveryLimit: 2 }),
      ctx,
    );
    expect(tagsOf(result)).toEqual(['latest', '2.0.0']);
  });

  it('NewestBuild', async () => {
    if (!host) return;
    const result = await discoverer().discover(
      sub({
        imageSelectionStrategy: 'NewestBuild',
        ignoreTagsRegexes: ['^latest$'],
      }),
      ctx,
    );
    expect(result.references.map(r => [r.tag, r.createdAt])).toEqual([
      ['1.0.0', '2024-05-01T00:00:00Z'],
      ['2.0.0', '2024-03-01T00:00:00Z'],
      ['1.2.0-rc.1', '2024-02-01T00:00:00Z'],
      ['1.1.0', '2024-01-01T00:00:00Z'],
    ]);
  });

  it('Digest', async () => {
    if (!host) return;
    const result = await discoverer().discover(
      sub({ imageSelectionStrategy: 'Digest', constraint: 'latest' }),
      ctx,
    );
    expect(result.references).toEqual([
      { tag: 'latest', digest: digests.latest },
    ]);
    expect(digests.latest).toBe(digests['1.0.0']);
  });

  it('platform', async () => {
    if (!host) return;
    const result = await discoverer().discover(
      sub({ platform: 'linux/arm64' }),
      ctx,
    );
    expect(result.references).toEqual([
      {
        tag: '2.0.0',
        digest: digests['2.0.0'],
        annotations: {
          'org.opencontainers.image.created': '2024-03-01T00:00:00Z',
        },
      },
    ]);
  });

  it('a missing repository is NotFound', async () => {
    if (!host) return;
    await expect(
      discoverer().discover(
        sub({ repoURL: `${host}/kargo-test/does-not-exist` }),
        ctx,
      ),
    ).rejects.toMatchObject({ reason: 'NotFound' });
  });
});

describe('ImageDiscoverer on a registry with htpasswd auth', () => {
  let registry: TestRegistryInstance | undefined;
  const credentials = { username: 'kargo', password: 'S3cret-pass' };

  beforeAll(async () => {
    if (
      !requireTools('ImageDiscoverer auth tests', [
        'docker-registry',
        'skopeo',
        'htpasswd',
      ])
    ) {
      return;
    }
    registry = await startTestRegistry({ credentials });
    await pushTestImage({
      host: registry.host,
      repo: 'private/app',
      tag: '3.1.4',
      content: {},
      credentials,
    });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const sub = () =>
    imageSubscription({ repoURL: `${registry!.host}/private/app` });

  it('discovers with Basic credentials', async () => {
    if (!registry) return;
    const result = await discoverer().discover(sub(), {
      credentials: staticCredentials(credentials),
    });
    expect(tagsOf(result)).toEqual(['3.1.4']);
  });

  it('is Unauthorized without or with wrong credentials, without leaking them', async () => {
    if (!registry) return;
    await expect(
      discoverer().discover(sub(), { credentials: staticCredentials() }),
    ).rejects.toMatchObject({
      reason: 'Unauthorized',
      message: expect.stringMatching(/add credentials/),
    });
    const wrong = discoverer().discover(sub(), {
      credentials: staticCredentials({
        username: 'kargo',
        password: 'not-the-one',
      }),
    });
    await expect(wrong).rejects.toMatchObject({
      reason: 'Unauthorized',
      message: expect.not.stringMatching(/not-the-one/),
    });
  });
});
