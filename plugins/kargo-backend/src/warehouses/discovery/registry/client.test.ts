import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { DiscoveryError } from '../types';
import {
  FakeRegistry,
  FakeRegistryOptions,
} from './__testUtils__/fakeRegistry';
import {
  parseChallenge,
  parseNextLink,
  RegistryClient,
  RegistryClientOptions,
} from './client';
import { LruCache } from './lruCache';
import { Clock, RateLimiter, RateLimiterRegistry } from './rateLimiter';
import { allowsPlainHttp, parseRepository } from './reference';

/** Virtual time: sleeping advances it at once. */
class FakeClock implements Clock {
  t = 1_000_000;
  sleeps: number[] = [];
  now = () => this.t;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

const servers: FakeRegistry[] = [];
afterAll(async () => {
  await Promise.all(servers.map(s => s.stop()));
});

async function fake(options: FakeRegistryOptions = {}) {
  const server = await new FakeRegistry(options).start();
  servers.push(server);
  return server;
}

function client(options: RegistryClientOptions = {}) {
  const clock = new FakeClock();
  return {
    clock,
    client: new RegistryClient({
      rateLimiters: new RateLimiterRegistry(clock),
      rateLimit: { requestsPerSecond: 1000 },
      contentCache: new LruCache(100),
      timeoutMs: 5000,
      ...options,
    }),
  };
}

const repoOf = (host: string, name: string) =>
  parseRepository(`${host}/${name}`);

async function rejection(p: Promise<unknown>): Promise<DiscoveryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DiscoveryError);
    return e as DiscoveryError;
  }
  throw new Error('expected a rejection');
}

describe('parseRepository', () => {
  it('reads Docker Hub short names and hosts', () => {
    expect(parseRepository('nginx')).toEqual({
      registry: 'docker.io',
      apiHost: 'registry-1.docker.io',
      repository: 'library/nginx',
    });
    expect(parseRepository('docker.io/bitnami/nginx').repository).toBe(
      'bitnami/nginx',
    );
    expect(parseRepository('index.docker.io/nginx').repository).toBe(
      'library/nginx',
    );
    expect(parseRepository('ghcr.io/Org/App')).toMatchObject({
      registry: 'ghcr.io',
      apiHost: 'ghcr.io',
      repository: 'org/app',
    });
    expect(parseRepository('localhost:5000/app').apiHost).toBe(
      'localhost:5000',
    );
    expect(parseRepository('oci://127.0.0.1:5000/charts/x').repository).toBe(
      'charts/x',
    );
    expect(() => parseRepository('ghcr.io/a b')).toThrow(/not a valid/);
  });

  it('allows plain HTTP where go-containerregistry does', () => {
    for (const h of [
      'localhost',
      'localhost:5000',
      'a.localhost:1',
      '127.0.0.1:5000',
      '[::1]:5000',
      '10.1.2.3:80',
      '172.16.0.1',
      '192.168.1.1:5000',
    ]) {
      expect(allowsPlainHttp(h)).toBe(true);
    }
    for (const h of ['ghcr.io', '127.0.0.2:5000', '172.32.0.1', '8.8.8.8']) {
      expect(allowsPlainHttp(h)).toBe(false);
    }
  });
});

describe('header parsing', () => {
  it('parses challenges and links', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/nginx:pull',
    });
    expect(parseChallenge('Basic realm="x"')).toEqual({ scheme: 'basic' });
    expect(parseChallenge(null)).toBeUndefined();
    expect(parseNextLink('</v2/a/tags/list?n=2&last=b>; rel="next"')).toBe(
      '/v2/a/tags/list?n=2&last=b',
    );
    expect(parseNextLink('<x>; rel="prev"')).toBeUndefined();
  });
});

describe('RateLimiter', () => {
  it('spaces requests: 30 at 10/s span at least 2.9 s of (virtual) time', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, clock);
    const start = clock.now();
    for (let i = 0; i < 30; i++) await limiter.take();
    expect(clock.now() - start).toBeGreaterThanOrEqual(2900);
    expect(clock.now() - start).toBeLessThan(3000);
  });

  it('lets a burst through at once, then holds the average rate', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, clock, 5);
    const start = clock.now();
    for (let i = 0; i < 5; i++) await limiter.take();
    expect(clock.now() - start).toBe(0); // the burst: no waiting
    for (let i = 0; i < 10; i++) await limiter.take();
    // 15 requests at 10/s with a burst of 5: the last waits ~1 s.
    expect(clock.now() - start).toBeGreaterThanOrEqual(1000);
    expect(clock.now() - start).toBeLessThan(1100);
    // A quiet spell refills the bucket.
    await clock.sleep(2000);
    const quiet = clock.now();
    for (let i = 0; i < 5; i++) await limiter.take();
    expect(clock.now() - quiet).toBe(0);
  });

  it('is shared by host through the registry', () => {
    const limiters = new RateLimiterRegistry(new FakeClock());
    expect(limiters.get('a', 20)).toBe(limiters.get('a', 20));
    expect(limiters.get('a', 20)).not.toBe(limiters.get('b', 20));
  });

  it('limits real requests of every client on one registry host', async () => {
    const server = await fake();
    server.putImage('app', 'v1', {});
    const clock = new FakeClock();
    const limiters = new RateLimiterRegistry(clock);
    const options = {
      rateLimiters: limiters,
      rateLimit: { requestsPerSecond: 10, burst: 1 },
      contentCache: new LruCache<unknown>(10),
    };
    const a = new RegistryClient(options);
    const b = new RegistryClient(options);
    const repo = repoOf(server.host, 'app');
    const start = clock.now();
    for (let i = 0; i < 10; i++) {
      await a.headManifest(repo, 'v1');
      await b.headManifest(repo, 'v1');
    }
    // 2 pings + 20 HEADs, 100 ms apart, on one shared limiter.
    expect(server.requests.length).toBe(22);
    expect(clock.now() - start).toBeGreaterThanOrEqual(2100);
  });

  it('really waits on the system clock (bounded)', async () => {
    const limiter = new RateLimiter(20, {
      now: () => Date.now(),
      sleep: ms => new Promise(r => setTimeout(r, ms)),
    });
    const start = Date.now();
    for (let i = 0; i < 6; i++) await limiter.take();
    const elapsed = Date.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(230);
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('RegistryClient', () => {
  it('lists tags page by page following Link headers', async () => {
    const server = await fake({ paginate: true });
    for (let i = 0; i < 25; i++)
      server.putImage('app', `t${String(i).padStart(2, '0')}`, {
        content: `${i}`,
      });
    const { client: c } = client({ pageSize: 10 });
    const tags = await c.listTags(repoOf(server.host, 'app'));
    expect(tags).toHaveLength(25);
    expect(server.count('GET', /tags\/list/)).toBe(3);
    expect(
      server.requests.find(r => r.path.endsWith('tags/list'))!.query.get('n'),
    ).toBe('10');
  });

  it('fails clearly when a registry repeats a page', async () => {
    const server = await fake({
      intercept: r =>
        r.path.endsWith('/tags/list')
          ? {
              status: 200,
              headers: {
                link: `</v2/app/tags/list?n=2&last=${Math.random()}>; rel="next"`,
              },
              body: JSON.stringify({ tags: ['a', 'b'] }),
            }
          : undefined,
    });
    const { client: c } = client();
    const e = await rejection(c.listTags(repoOf(server.host, 'app')));
    expect(e.reason).toBe('InvalidResponse');
    expect(e.message).toMatch(/pagination loop/);
    expect(server.count('GET', /tags\/list/)).toBe(2);
  });

  it('fails clearly when a registry links back to a page', async () => {
    const server = await fake({
      intercept: r =>
        r.path.endsWith('/tags/list')
          ? {
              status: 200,
              headers: { link: '</v2/app/tags/list?n=1000>; rel="next"' },
              body: JSON.stringify({ tags: [] }),
            }
          : undefined,
    });
    const { client: c } = client();
    const e = await rejection(c.listTags(repoOf(server.host, 'app')));
    expect(e.message).toMatch(/pagination loop/);
  });

  it('bounds the number of pages', async () => {
    let n = 0;
    const server = await fake({
      intercept: r =>
        r.path.endsWith('/tags/list')
          ? {
              status: 200,
              headers: { link: `</v2/app/tags/list?page=${++n}>; rel="next"` },
              body: JSON.stringify({ tags: [`t${n}`] }),
            }
          : undefined,
    });
    const { client: c } = client({ maxPages: 5 });
    const e = await rejection(c.listTags(repoOf(server.host, 'app')));
    expect(e.message).toMatch(/more than 5 pages/);
  });

  it('reports malformed JSON, 404, 5xx', async () => {
    const server = await fake({
      intercept: r => {
        if (r.path === '/v2/bad/tags/list')
          return { status: 200, body: '{"tags": [' };
        if (r.path === '/v2/broken/tags/list')
          return { status: 503, body: 'x' };
        return undefined;
      },
    });
    const { client: c } = client();
    const bad = await rejection(c.listTags(repoOf(server.host, 'bad')));
    expect(bad.reason).toBe('InvalidResponse');
    expect(bad.message).toMatch(/malformed JSON/);
    const missing = await rejection(c.listTags(repoOf(server.host, 'nope')));
    expect(missing.reason).toBe('NotFound');
    expect(missing.message).toMatch(/repository nope was not found/);
    const broken = await rejection(c.listTags(repoOf(server.host, 'broken')));
    expect(broken.reason).toBe('ServerError');
  });

  it('retries after 429 with Retry-After, within bounds', async () => {
    let calls = 0;
    const server = await fake({
      intercept: r =>
        r.path.endsWith('/tags/list') && ++calls <= 2
          ? { status: 429, headers: { 'retry-after': '3' } }
          : undefined,
    });
    server.putImage('app', 'v1', {});
    const { client: c, clock } = client();
    expect(await c.listTags(repoOf(server.host, 'app'))).toEqual(['v1']);
    expect(clock.sleeps.filter(s => s === 3000)).toHaveLength(2);

    const always = await fake({
      intercept: r => (r.path === '/v2/' ? undefined : { status: 429 }),
    });
    const { client: c2 } = client({ maxRetries: 2 });
    const e = await rejection(c2.listTags(repoOf(always.host, 'app')));
    expect(e.reason).toBe('RateLimited');
    expect(always.count('GET', /tags\/list/)).toBe(3);

    const long = await fake({
      intercept: r =>
        r.path === '/v2/'
          ? undefined
          : { status: 429, headers: { 'retry-after': '3600' } },
    });
    const e2 = await rejection(
      client().client.listTags(repoOf(long.host, 'app')),
    );
    expect(e2.reason).toBe('RateLimited');
    expect(long.count('GET', /tags\/list/)).toBe(1);
  });

  it('times out requests', async () => {
    const server = await fake({
      intercept: r =>
        r.path.endsWith('tags/list') ? { status: 200, hang: true } : undefined,
    });
    const { client: c } = client({ timeoutMs: 300 });
    const e = await rejection(c.listTags(repoOf(server.host, 'app')));
    expect(e.reason).toBe('Timeout');
  });

  it('reports unreachable registries', async () => {
    const port = await new Promise<number>(resolve => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const { client: c } = client();
    const e = await rejection(c.listTags(repoOf(`127.0.0.1:${port}`, 'app')));
    expect(e.reason).toBe('Unreachable');
    expect(e.message).toMatch(/cannot reach registry 127\.0\.0\.1/);
  });

  it('gets anonymous bearer tokens from the realm, cached per scope', async () => {
    const server = await fake({ auth: { scheme: 'bearer', anonymous: true } });
    server.putImage('app', 'v1', {});
    server.putImage('other', 'v1', {});
    const { client: c } = client();
    await c.listTags(repoOf(server.host, 'app'));
    await c.headManifest(repoOf(server.host, 'app'), 'v1');
    expect(server.tokenRequests).toBe(1);
    await c.listTags(repoOf(server.host, 'other'));
    expect(server.tokenRequests).toBe(2);
    const tokenRequest = server.requests.find(r => r.path === '/token')!;
    expect(tokenRequest.query.get('service')).toBe('fake-registry');
    expect(tokenRequest.query.get('scope')).toBe('repository:app:pull');
    expect(tokenRequest.authorization).toBeUndefined();
  });

  it('asks tokens with Basic credentials and renews expired ones', async () => {
    const server = await fake({
      auth: {
        scheme: 'bearer',
        username: 'u',
        password: 'secret-pw',
        expiresIn: 60,
      },
    });
    server.putImage('app', 'v1', {});
    const { client: c, clock } = client();
    const credentials = { username: 'u', password: 'secret-pw' };
    await c.listTags(repoOf(server.host, 'app'), { credentials });
    expect(server.requests.find(r => r.path === '/token')!.authorization).toBe(
      `Basic ${Buffer.from('u:secret-pw').toString('base64')}`,
    );
    clock.t += 61_000;
    await c.listTags(repoOf(server.host, 'app'), { credentials });
    expect(server.tokenRequests).toBe(2);

    const anonymous = await rejection(c.listTags(repoOf(server.host, 'app')));
    expect(anonymous.reason).toBe('Unauthorized');
    expect(anonymous.message).toMatch(/add credentials/);
    const wrong = await rejection(
      c.listTags(repoOf(server.host, 'app'), {
        credentials: { username: 'u', password: 'wrong-pw' },
      }),
    );
    expect(wrong.reason).toBe('Unauthorized');
    expect(wrong.message).toMatch(/check the credentials/);
    expect(wrong.message).not.toMatch(/wrong-pw|secret-pw/);
  });

  it('uses Basic auth on Basic registries', async () => {
    const server = await fake({
      auth: { scheme: 'basic', username: 'u', password: 'p' },
    });
    server.putImage('app', 'v1', {});
    const { client: c } = client();
    expect(
      await c.listTags(repoOf(server.host, 'app'), {
        credentials: { username: 'u', password: 'p' },
      }),
    ).toEqual(['v1']);
    const e = await rejection(c.listTags(repoOf(server.host, 'app')));
    expect(e.reason).toBe('Unauthorized');
  });

  it('HEADs manifests for digests and GETs when the digest header is missing', async () => {
    const server = await fake({ omitDigestOnHead: true });
    const digest = server.putImage('app', 'v1', {});
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    expect(await c.headManifest(repo, 'v1')).toEqual({
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(await c.headManifest(repo, 'nope')).toBeUndefined();
    // The GET fallback cached the manifest by digest.
    const gets = server.count('GET', /manifests/);
    await c.getManifest(repo, digest);
    expect(server.count('GET', /manifests/)).toBe(gets);
  });

  it('HEADs with If-None-Match once it knows the ETag; a moved tag is answered in full', async () => {
    const server = await fake();
    const first = server.putImage('app', 'v1', { content: 'one' });
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    const heads = () => server.requests.filter(r => r.method === 'HEAD');
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(first);
    expect(heads()[0].ifNoneMatch).toBeUndefined();
    // Unchanged: 304, same answer.
    expect(await c.headManifest(repo, 'v1')).toEqual({
      digest: first,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(heads()[1].ifNoneMatch).toBe(`"${first}"`);
    // Re-tagged: the old ETag does not match, the new digest comes back.
    const second = server.putImage('app', 'v1', { content: 'two' });
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(second);
    expect(heads()[2].ifNoneMatch).toBe(`"${first}"`);
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(second);
    expect(heads()[3].ifNoneMatch).toBe(`"${second}"`);
    // Deleted: 404, and the next HEAD is unconditional again.
    server.deleteTag('app', 'v1');
    expect(await c.headManifest(repo, 'v1')).toBeUndefined();
    server.putManifest('app', 'v1', server.manifestOf(first));
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(first);
    expect(heads()[5].ifNoneMatch).toBeUndefined();
  });

  it('works with registries that send no ETag', async () => {
    const server = await fake({ noEtags: true });
    const first = server.putImage('app', 'v1', { content: 'one' });
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(first);
    const second = server.putImage('app', 'v1', { content: 'two' });
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(second);
    expect(server.requests.every(r => r.ifNoneMatch === undefined)).toBe(true);
  });

  it('shares one ping and one token among concurrent requests', async () => {
    const server = await fake({ auth: { scheme: 'bearer', anonymous: true } });
    for (let i = 0; i < 10; i++) server.putImage('app', `v${i}`, {});
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    const heads = await Promise.all(
      Array.from({ length: 10 }, (_, i) => c.headManifest(repo, `v${i}`)),
    );
    expect(heads.every(h => h?.digest.startsWith('sha256:'))).toBe(true);
    expect(server.count('GET', /^\/v2\/$/)).toBe(1);
    expect(server.tokenRequests).toBe(1);
  });

  it('keeps connections alive, HEADs included', async () => {
    const server = await fake();
    for (let i = 0; i < 10; i++) server.putImage('app', `v${i}`, {});
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    await c.listTags(repo);
    for (let i = 0; i < 10; i++) await c.headManifest(repo, `v${i}`);
    await c.listTags(repo);
    // One connection for the ping, the list, 10 HEADs and the list again
    // (the https attempt of the ping is no HTTP connection of this server's
    // sort, but it is counted: at most 2).
    expect(server.requests.length).toBe(13);
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('stops every request sharing an aborted signal, with one listener on it', async () => {
    const server = await fake({
      intercept: r =>
        r.path.includes('/manifests/')
          ? { status: 200, hang: true }
          : undefined,
    });
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    await c.listTags(repo).catch(() => undefined); // ping first
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const heads = Array.from({ length: 15 }, (_, i) =>
        c.headManifest(repo, `v${i}`, { signal: controller.signal }),
      );
      setTimeout(() => controller.abort(new Error('cancelled')), 50);
      const results = await Promise.allSettled(heads);
      expect(
        results.map(r => r.status === 'rejected' && r.reason.message),
      ).toEqual(Array(15).fill('cancelled'));
      await new Promise(r => setImmediate(r));
      expect(warnings.filter(w => /MaxListeners/.test(w.name))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('decodes a compressed answer though it asked for none', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/v2/') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      res.end(gzipSync(JSON.stringify({ tags: ['a', 'b'] })));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      expect(await client().client.listTags(repoOf(host, 'app'))).toEqual([
        'a',
        'b',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    }
  });

  it('follows redirects, without the credentials on another origin', async () => {
    const seen: Array<string | undefined> = [];
    const config = JSON.stringify({ created: '2024-01-01T00:00:00Z' });
    const other = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(config);
    });
    await new Promise<void>(r => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as net.AddressInfo).port;
    const digest = `sha256:${createHash('sha256')
      .update(config)
      .digest('hex')}`;
    const server = await fake({
      auth: { scheme: 'basic', username: 'u', password: 'p' },
      intercept: r =>
        r.path.includes('/blobs/') && r.authorization
          ? {
              status: 307,
              headers: { location: `http://127.0.0.1:${port}/blob` },
            }
          : undefined,
    });
    server.putImage('app', 'v1', {});
    try {
      const { client: c } = client();
      expect(
        await c.getJsonBlob(repoOf(server.host, 'app'), digest, {
          credentials: { username: 'u', password: 'p' },
        }),
      ).toEqual({ created: '2024-01-01T00:00:00Z' });
      expect(seen).toEqual([undefined]);
    } finally {
      other.closeAllConnections();
      await new Promise(r => other.close(r));
    }
  });

  it('caches manifests and configs by digest and verifies them', async () => {
    const server = await fake();
    const digest = server.putImage('app', 'v1', {
      created: '2024-01-01T00:00:00Z',
    });
    const { client: c } = client();
    const repo = repoOf(server.host, 'app');
    const m = await c.getManifest(repo, digest);
    await c.getManifest(repo, digest);
    await c.getJsonBlob(repo, m.manifest.config!.digest);
    await c.getJsonBlob(repo, m.manifest.config!.digest);
    expect(server.count('GET', /manifests/)).toBe(1);
    expect(server.count('GET', /blobs/)).toBe(1);

    const liar = await fake({
      intercept: r =>
        r.path.includes('/manifests/')
          ? { status: 200, body: '{"schemaVersion":2}' }
          : undefined,
    });
    const e = await rejection(
      client().client.getManifest(repoOf(liar.host, 'app'), digest),
    );
    expect(e.message).toMatch(/does not match digest/);
  });

  it('skips TLS verification only when asked (insecureSkipTLSVerify)', async () => {
    // A TLS server with a self-signed certificate, made by openssl if present.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kargo-tls-'));
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
          `${dir}/k.pem`,
          '-out',
          `${dir}/c.pem`,
          '-days',
          '1',
          '-subj',
          '/CN=example.test',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      // eslint-disable-next-line no-console
      console.warn('!!! openssl is missing: the TLS test is skipped');
      return;
    }
    const server = https.createServer(
      {
        key: await fs.readFile(`${dir}/k.pem`),
        cert: await fs.readFile(`${dir}/c.pem`),
      },
      (req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.url === '/v2/' ? '{}' : JSON.stringify({ tags: ['v1'] }));
      },
    );
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      // Verified TLS fails, and plain HTTP is not spoken there either.
      const e = await rejection(client().client.listTags(repoOf(host, 'app')));
      expect(e.reason).toBe('Unreachable');
      expect(
        await client().client.listTags(repoOf(host, 'app'), {
          insecureSkipTLSVerify: true,
        }),
      ).toEqual(['v1']);
    } finally {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
