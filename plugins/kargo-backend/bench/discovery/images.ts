/**
 * Figure: SemVer discovery of a 1,000-tag repository on a real registry with
 * ImageDiscoverer, against a raw tag listing with curl. Also counts the
 * manifest requests per discovery, by tag.
 */
import {
  closeIdleConnections,
  LruCache,
  RateLimiterRegistry,
} from '../../src/warehouses/discovery/registry';
import { ImageDiscoverer } from '../../src/warehouses/discovery/images';
import type { CredentialsProvider } from '../../src/warehouses/discovery/types';
import http from 'node:http';
import { now, percentile } from '../measure';
import { fillRepository } from './registry';
import { spawnTimed } from './spawnTimed';
import type { DiscoveryFigure, Log } from './types';

export type ImageOptions = { reps: number };

const REPO = 'kargo-bench/semver-1000';
const LIMIT = 20;
const CONSTRAINT = '^1.0.0';
const TARGET_RATIO = 1.5;

/**
 * 800 tags 1.M.P (M < 40, P < 20) that satisfy ^1.0.0, 100 tags 2.0.P that
 * do not, and 100 tags that are no SemVer at all (build-N, latest).
 */
export function benchTags(): string[] {
  const tags: string[] = [];
  for (let minor = 0; minor < 40; minor++) {
    for (let patch = 0; patch < 20; patch++) tags.push(`1.${minor}.${patch}`);
  }
  for (let patch = 0; patch < 100; patch++) tags.push(`2.0.${patch}`);
  for (let n = 0; n < 99; n++) tags.push(`build-${n}`);
  tags.push('latest');
  return tags;
}

const anonymous: CredentialsProvider = { lookup: async () => undefined };

type Call = { method: string; path: string; origin: string };

/**
 * Records every request the registry client sends (its `onRequest` hook), so
 * the client keeps its own transport (keep-alive http/https agents).
 */
function requestCounter() {
  const calls: Call[] = [];
  const onRequest = (method: string, url: string) => {
    const parsed = new URL(url);
    calls.push({ method, path: parsed.pathname, origin: parsed.origin });
  };
  return { calls, onRequest };
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * What a re-check sends, sent raw: the tag list and a manifest HEAD per
 * selected tag, all at once on new connections (node:http, nothing parsed).
 * The floor for any client that resolves the selected tags as Kargo does.
 */
async function rawRecheck(host: string, tags: string[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const [hostname, port] = host.split(':');
  const send = (method: string, path: string) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        { hostname, port, method, path, agent, headers: { accept: ACCEPT } },
        response => {
          response.resume();
          response.on('end', resolve);
        },
      );
      request.on('error', reject);
      request.end();
    });
  try {
    const start = now();
    await Promise.all([
      send('GET', `/v2/${REPO}/tags/list?n=1000`),
      ...tags.map(t => send('HEAD', `/v2/${REPO}/manifests/${t}`)),
    ]);
    return now() - start;
  } finally {
    agent.destroy();
  }
}

/** curl of every tag page (following `Link`), as a shell user would. */
async function curlTags(host: string): Promise<{ ms: number; tags: number }> {
  let url: string | undefined = `http://${host}/v2/${REPO}/tags/list?n=1000`;
  let ms = 0;
  let tags = 0;
  for (let page = 0; url && page < 100; page++) {
    const run = await spawnTimed('curl', ['-s', '-i', url]);
    ms += run.ms;
    const split = run.stdout.indexOf('\r\n\r\n');
    const head = run.stdout.slice(0, split);
    tags += (JSON.parse(run.stdout.slice(split + 4)).tags ?? []).length;
    const next = /^link:\s*<([^>]+)>\s*;\s*rel="?next"?/im.exec(head);
    url = next ? new URL(next[1], url).toString() : undefined;
  }
  return { ms, tags };
}

export async function imageFigure(
  host: string,
  registryDescription: string,
  options: ImageOptions,
  log: Log,
): Promise<{ figure: DiscoveryFigure; notes: string[] }> {
  const tags = benchTags();
  const fillStart = now();
  const written = await fillRepository(host, REPO, tags);
  const notes = [
    `image repository: ${host}/${REPO} on ${registryDescription}; ${
      tags.length
    } tags (800 satisfy ${CONSTRAINT}, 100 are 2.0.x, 100 are not SemVer), each a distinct OCI image manifest (same config and layer blob); ${
      written
        ? `${written} manifests PUT through the distribution API in ${(
            (now() - fillStart) /
            1000
          ).toFixed(1)} s`
        : 'already in place from an earlier run'
    }`,
  ];
  const subscription = {
    repoURL: `${host}/${REPO}`,
    imageSelectionStrategy: 'SemVer' as const,
    constraint: CONSTRAINT,
    strictSemvers: true,
    discoveryLimit: LIMIT,
  };

  /**
   * One discovery by a fresh ImageDiscoverer. Its digest cache is
   * process-wide by default (sharedContentCache), so a fresh instance alone
   * would still find every manifest of the previous repetition: each one
   * gets its own empty cache, so every repetition pays what a first
   * discovery pays.
   */
  const discoverOnce = async (limiter: 'default' | 'lifted') => {
    const counter = requestCounter();
    const discoverer = new ImageDiscoverer({
      onRequest: counter.onRequest,
      contentCache: new LruCache(10_000),
      // A quiet registry: each repetition is one Warehouse's first discovery,
      // not the tail of the previous repetition's requests.
      rateLimiters: new RateLimiterRegistry(),
      ...(limiter === 'lifted'
        ? { rateLimit: { requestsPerSecond: 100_000 } }
        : {}),
    });
    const start = now();
    const result = await discoverer.discover(subscription, {
      credentials: anonymous,
    });
    return { ms: now() - start, result, calls: counter.calls };
  };

  // The periodic re-check, as production makes it: one long-lived
  // discoverer (its client, token and digest caches, 20 req/s with a burst
  // of 20) polling the unchanged repository; polls are minutes apart, so the
  // harness lets the limiter's bucket refill between them (not timed).
  const steadyCounter = requestCounter();
  const steadyDiscoverer = new ImageDiscoverer({
    onRequest: steadyCounter.onRequest,
    contentCache: new LruCache(10_000),
    rateLimiters: new RateLimiterRegistry(),
  });
  // The same with `cacheByTag` (Kargo's setting for immutable tags): the
  // selected tags' digests are not asked again.
  const immutableDiscoverer = new ImageDiscoverer({
    contentCache: new LruCache(10_000),
    rateLimiters: new RateLimiterRegistry(),
  });
  const recheckImmutable = async () => {
    await new Promise(resolve => setTimeout(resolve, 1100));
    closeIdleConnections();
    const start = now();
    await immutableDiscoverer.discover(
      { ...subscription, cacheByTag: true },
      { credentials: anonymous },
    );
    return now() - start;
  };
  const rediscover = async (connections: 'kept' | 'new' = 'kept') => {
    await new Promise(resolve => setTimeout(resolve, 1100));
    // 'new': as a poll minutes after the last, whose kept-alive connections
    // have timed out (idle timeout 4 s) — not timed.
    if (connections === 'new') closeIdleConnections();
    const before = steadyCounter.calls.length;
    const start = now();
    await steadyDiscoverer.discover(subscription, { credentials: anonymous });
    return { ms: now() - start, requests: steadyCounter.calls.length - before };
  };

  log(`image discovery: ${options.reps} repetitions of each variant`);
  const defaults: number[] = [];
  const steady: number[] = [];
  const steadyCold: number[] = [];
  let steadyRequests = 0;
  const lifted: number[] = [];
  const curl: number[] = [];
  let last: Awaited<ReturnType<typeof discoverOnce>> | undefined;
  await discoverOnce('lifted'); // warm-up: connections, JIT
  await rediscover(); // the steady discoverer's own first discovery
  await curlTags(host);
  await recheckImmutable(); // its first discovery
  const immutable: number[] = [];
  const raw: number[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    last = await discoverOnce('default');
    defaults.push(last.ms);
    const again = await rediscover();
    steady.push(again.ms);
    steadyRequests = again.requests;
    steadyCold.push((await rediscover('new')).ms);
    immutable.push(await recheckImmutable());
    raw.push(
      await rawRecheck(
        host,
        (last.result.references ?? []).map(r => r.tag!),
      ),
    );
    lifted.push((await discoverOnce('lifted')).ms);
    const listed = await curlTags(host);
    if (listed.tags !== tags.length) {
      throw new Error(`curl listed ${listed.tags} tags, not ${tags.length}`);
    }
    curl.push(listed.ms);
  }

  // Which tags were the manifest requests for? HEADs go by tag, GETs by digest.
  const { result, calls } = last!;
  const selected = result.references.map(r => r.tag);
  const expected = tags
    .filter(t => t.startsWith('1.'))
    .sort((a, b) => {
      const [, am, ap] = a.split('.').map(Number);
      const [, bm, bp] = b.split('.').map(Number);
      return bm - am || bp - ap;
    })
    .slice(0, LIMIT);
  if (selected.join() !== expected.join()) {
    throw new Error(
      `discovery selected ${selected.join(', ')}; expected ${expected.join(
        ', ',
      )}`,
    );
  }
  const selectedRefs = new Set([
    ...selected,
    ...result.references.map(r => r.digest),
  ]);
  const manifestCalls = calls.filter(c => c.path.includes('/manifests/'));
  const heads = manifestCalls.filter(c => c.method === 'HEAD').length;
  const gets = manifestCalls.filter(c => c.method === 'GET').length;
  const outside = manifestCalls.filter(
    c => !selectedRefs.has(decodeURIComponent(c.path.split('/').pop()!)),
  ).length;
  const others = new Map<string, number>();
  for (const c of calls.filter(x => !x.path.includes('/manifests/'))) {
    const key = `${c.method} ${c.origin}${c.path}`;
    others.set(key, (others.get(key) ?? 0) + 1);
  }
  notes.push(
    `image discovery requests per run (fresh instance, empty digest cache): ${
      calls.length
    } in all = ${heads} manifest HEAD + ${gets} manifest GET + ${[...others]
      .map(([k, n]) => `${n}× ${k}`)
      .join(
        ' + ',
      )}; the default limiter lets 40 requests through at once, then spaces them 50 ms apart (20 req/s per registry host), so ${
      calls.length
    } requests cannot take less than ${Math.max(0, calls.length - 40) * 50} ms`,
    `image discovery per repetition (ms): default ${defaults
      .map(v => v.toFixed(0))
      .join(', ')}; limiter lifted ${lifted
      .map(v => v.toFixed(1))
      .join(', ')}; curl ${curl.map(v => v.toFixed(1)).join(', ')}`,
  );

  notes.push(
    `image re-discovery (long-lived discoverer, unchanged repository, default 20 req/s with a burst of 40, polls 1.1 s apart so the bucket refills as between real polls): ${steadyRequests} requests per poll (the tag list, and with it a HEAD per tag selected last time, each with If-None-Match: the ETag of its last answer, so an unchanged tag is answered 304 and a moved one in full; manifests come from the digest cache; the client's http/https agents keep connections alive for 4 s); per repetition (ms), connections kept from the previous poll: ${steady
      .map(v => v.toFixed(1))
      .join(
        ', ',
      )}; new connections (idle ones closed before the poll, as 5 minutes after the last): ${steadyCold
      .map(v => v.toFixed(1))
      .join(', ')}`,
  );
  const p50 = percentile(steady, 50);
  const curlP50 = percentile(curl, 50);
  return {
    notes,
    figure: {
      id: 'images',
      title: `Image SemVer discovery, ${tags.length.toLocaleString(
        'en',
      )}-tag repository, discoveryLimit ${LIMIT} (${options.reps} reps)`,
      database: '—',
      stats: [
        {
          label: 'p50, periodic re-check (20 req/s, burst 40)',
          unit: 'ms',
          ours: p50,
          baseline: curlP50,
          target: {
            text: `≤ ${TARGET_RATIO}×`,
            met: p50 / curlP50 <= TARGET_RATIO,
          },
        },
        {
          label: 'p50, periodic re-check on new connections',
          unit: 'ms',
          ours: percentile(steadyCold, 50),
          baseline: curlP50,
        },
        {
          label:
            'p50, periodic re-check on new connections, against its 21 requests sent raw at once',
          unit: 'ms',
          ours: percentile(steadyCold, 50),
          baseline: percentile(raw, 50),
        },
        {
          label:
            'p50, periodic re-check with cacheByTag (immutable tags), new connections',
          unit: 'ms',
          ours: percentile(immutable, 50),
          baseline: curlP50,
          target: {
            text: `≤ ${TARGET_RATIO}×`,
            met: percentile(immutable, 50) / curlP50 <= TARGET_RATIO,
          },
        },
        {
          label: 'p50, first discovery (20 req/s, burst 40)',
          unit: 'ms',
          ours: percentile(defaults, 50),
          baseline: curlP50,
        },
        {
          label: 'p50, rate limit lifted',
          unit: 'ms',
          ours: percentile(lifted, 50),
          baseline: curlP50,
        },
        {
          label: `manifest requests for ${tags.length.toLocaleString(
            'en',
          )} tags`,
          unit: 'count',
          ours: heads + gets,
          oursText: `${heads} HEAD + ${gets} GET`,
          baseline: 0,
          baselineText: '0 (list only)',
          target: {
            text: `0 outside the ${LIMIT} selected (${outside})`,
            met: outside === 0,
          },
        },
      ],
      baseline: `\`curl -s -i http://${host}/v2/${REPO}/tags/list?n=1000\` started from Node through the backend's spawn helper (following \`Link\` pages; one page here), p50 of the same repetitions, interleaved with the discoveries: listing the tags is the one request any discovery must make. A re-check that resolves the ${LIMIT} selected tags anew, as Kargo does unless cacheByTag, sends ${LIMIT} manifest HEADs besides: its second row compares it with those 21 requests sent at once by node:http on new connections, nothing parsed (the registry's own floor for them). "Rate limit lifted" is the same discovery with its own limiter at 100,000 req/s, to separate the client from Kargo's 20 req/s default`,
    },
  };
}
