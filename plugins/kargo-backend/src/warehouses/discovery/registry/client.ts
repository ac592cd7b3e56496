import { createHash } from 'node:crypto';
import { DiscoveryError, RepositoryCredentials } from '../types';
import {
  nodeFetch,
  RegistryFetch,
  RegistryResponse,
  TimeoutError,
} from './httpTransport';
import { LruCache } from './lruCache';
import {
  Clock,
  RateLimiterRegistry,
  sharedRateLimiters,
  systemClock,
} from './rateLimiter';
import { allowsPlainHttp, RegistryRepository } from './reference';

/** Media types of image manifests and indexes. */
export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList:
    'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.dockerManifestList,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifest,
].join(', ');

export const isIndexMediaType = (mediaType: string | undefined) =>
  mediaType === MediaTypes.ociIndex ||
  mediaType === MediaTypes.dockerManifestList;

export const isImageManifestMediaType = (mediaType: string | undefined) =>
  mediaType === MediaTypes.ociManifest ||
  mediaType === MediaTypes.dockerManifest;

export type OciPlatform = {
  os?: string;
  architecture?: string;
  variant?: string;
};

export type OciDescriptor = {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: OciPlatform;
  artifactType?: string;
};

/** An image manifest or an index / manifest list (the fields used here). */
export type OciManifest = {
  schemaVersion?: number;
  mediaType?: string;
  artifactType?: string;
  config?: OciDescriptor;
  layers?: OciDescriptor[];
  manifests?: OciDescriptor[];
  annotations?: Record<string, string>;
};

export type ManifestHead = {
  digest: string;
  /** From Content-Type; may be empty when the registry does not say. */
  mediaType: string;
};

export type FetchedManifest = {
  digest: string;
  mediaType: string;
  manifest: OciManifest;
};

/** Per-request options: who asks and how to reach the registry. */
export type RegistryRequestOptions = {
  credentials?: RepositoryCredentials;
  insecureSkipTLSVerify?: boolean;
  signal?: AbortSignal;
};

export type RegistryLogger = {
  debug(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
};

export type RegistryClientOptions = {
  /**
   * Sends the requests (not those with `insecureSkipTLSVerify`); default:
   * Node's http/https with keep-alive agents ({@link nodeFetch}).
   */
  fetch?: RegistryFetch;
  /** Sees every request the client sends (method and URL), e.g. to count them. */
  onRequest?: (method: string, url: string) => void;
  /** Per registry host, default 20 requests/s (Kargo's default). */
  /**
   * Per registry host: `requestsPerSecond` on average (default 20, Kargo's
   * default) with bursts of up to `burst` requests (default: two seconds'
   * worth, 40, which lets one discovery with the default discoveryLimit —
   * the tag list, 20 HEADs, maybe a token — go out at once).
   */
  rateLimit?: { requestsPerSecond: number; burst?: number };
  /** Limiters shared by registry host; default: process-wide. */
  rateLimiters?: RateLimiterRegistry;
  /** Defaults to the clock of `rateLimiters`. */
  clock?: Clock;
  /** Per HTTP request, default 30 s. */
  timeoutMs?: number;
  /** Retries after a 429, default 3. */
  maxRetries?: number;
  /** A longer Retry-After fails at once, default 60 s. */
  maxRetryAfterMs?: number;
  /** Tags asked per page (`?n=`), default 1000. */
  pageSize?: number;
  /** Pages followed at most, default 1000. */
  maxPages?: number;
  /** Manifests and config blobs by digest; default: process-wide. */
  contentCache?: LruCache<unknown>;
  /**
   * Manifest HEAD answers (digest, media type, ETag) kept by URL to send the
   * next HEAD with If-None-Match, default 20,000.
   */
  conditionalHeadEntries?: number;
  logger?: RegistryLogger;
};

/** Immutable content (manifests, configs) by digest, for the whole process. */
export const sharedContentCache = new LruCache<unknown>(
  Number(process.env.KARGO_REGISTRY_CONTENT_CACHE_ENTRIES) || 10000,
);

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAG_PAGE_BYTES = 32 * 1024 * 1024;
const MAX_TOKEN_BYTES = 1024 * 1024;
/** Ping results are kept that long per host. */
const PING_TTL_MS = 10 * 60 * 1000;

type Challenge =
  | { scheme: 'none' }
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string };

type HostState = { base: string; challenge: Challenge; expiresAt: number };

type RequestSpec = {
  method: 'GET' | 'HEAD';
  url: string;
  accept?: string;
  /** Sent as If-None-Match; a 304 answer is then returned to the caller. */
  ifNoneMatch?: string;
  maxBytes: number;
};

/** The answer of a manifest HEAD, with the ETag to ask the next one with. */
type KnownHead = ManifestHead & { etag: string };

/** Parses a `WWW-Authenticate` header into its scheme and parameters. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let guard = 0; guard < 64; guard++) {
    const p = re.exec(m[2]);
    if (p === null) break;
    params[p[1].toLowerCase()] =
      p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  if (scheme === 'basic') return { scheme: 'basic' };
  if (scheme === 'bearer' && params.realm) {
    return {
      scheme: 'bearer',
      realm: params.realm,
      service: params.service,
      scope: params.scope,
    };
  }
  return undefined;
}

/** Finds the `rel="next"` target of a Link header. */
export function parseNextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (m && /;\s*rel\s*=\s*"?next"?/i.test(m[2])) return m[1];
  }
  return undefined;
}

function describeCause(err: unknown): string {
  const e = err as {
    message?: string;
    cause?: { code?: string; message?: string };
  };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A stable key for a credential without keeping the secret itself. */
function credentialKey(creds?: RepositoryCredentials): string {
  if (!creds) return 'anonymous';
  return sha256Hex(`${creds.username ?? ''}\u0000${creds.password}`).slice(
    0,
    32,
  );
}

function basicAuth(creds: RepositoryCredentials): string {
  return `Basic ${Buffer.from(
    `${creds.username ?? ''}:${creds.password}`,
  ).toString('base64')}`;
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A client of the OCI distribution API (read side): ping and auth (anonymous,
 * Basic, Bearer tokens from the `WWW-Authenticate` realm), tag listing with
 * `Link` pagination, manifest HEAD/GET and blob GET, with a per-host rate
 * limit, 429 handling and a timeout on every request. Failures are
 * {@link DiscoveryError}s; messages never contain credentials.
 */
export class RegistryClient {
  readonly #fetch?: RegistryFetch;
  readonly #onRequest?: (method: string, url: string) => void;
  readonly #limiters: RateLimiterRegistry;
  readonly #clock: Clock;
  readonly #rps: number;
  readonly #burst: number;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxRetryAfterMs: number;
  readonly #pageSize: number;
  readonly #maxPages: number;
  readonly #content: LruCache<unknown>;
  readonly #logger?: RegistryLogger;
  readonly #hosts = new Map<string, HostState>();
  readonly #tokens = new LruCache<{ token: string; expiresAt: number }>(1000);
  readonly #pings = new Map<string, Promise<HostState>>();
  /** The last manifest HEAD answer by URL, for conditional HEADs. */
  readonly #heads: LruCache<KnownHead>;
  readonly #tokenRequests = new Map<string, Promise<string>>();

  constructor(options: RegistryClientOptions = {}) {
    this.#fetch = options.fetch;
    this.#onRequest = options.onRequest;
    this.#limiters = options.rateLimiters ?? sharedRateLimiters;
    this.#clock = options.clock ?? this.#limiters.clock ?? systemClock;
    this.#rps = options.rateLimit?.requestsPerSecond ?? 20;
    this.#burst =
      options.rateLimit?.burst ?? Math.max(1, Math.floor(2 * this.#rps));
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxRetries = options.maxRetries ?? 3;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.#pageSize = options.pageSize ?? 1000;
    this.#maxPages = options.maxPages ?? 1000;
    this.#content = options.contentCache ?? sharedContentCache;
    this.#heads = new LruCache<KnownHead>(
      Math.max(1, options.conditionalHeadEntries ?? 20000),
    );
    this.#logger = options.logger;
  }

  /** Lists every tag of a repository, following `Link` pages. */
  async listTags(
    repo: RegistryRepository,
    options: RegistryRequestOptions = {},
  ): Promise<string[]> {
    const host = await this.#host(repo, options);
    const origin = new URL(host.base).origin;
    let url = `${host.base}/v2/${repo.repository}/tags/list?n=${
      this.#pageSize
    }`;
    const visited = new Set<string>();
    const tags = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= this.#maxPages) {
        throw new DiscoveryError(
          'InvalidResponse',
          `registry ${repo.registry} returned more than ${
            this.#maxPages
          } pages of tags for ${repo.repository}; giving up`,
        );
      }
      visited.add(url);
      const res = await this.#request(
        repo,
        { method: 'GET', url, maxBytes: MAX_TAG_PAGE_BYTES },
        options,
      );
      if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined);
        throw this.#notFound(repo);
      }
      const body = (await this.#json(res, repo, 'tag list')) as {
        tags?: unknown;
      };
      const pageTags = body?.tags ?? [];
      if (
        !Array.isArray(pageTags) ||
        pageTags.some(t => typeof t !== 'string')
      ) {
        throw new DiscoveryError(
          'InvalidResponse',
          `registry ${repo.registry} returned a malformed tag list for ${repo.repository}`,
        );
      }
      const before = tags.size;
      for (const tag of pageTags as string[]) tags.add(tag);
      const next = parseNextLink(res.headers.get('link'));
      if (!next) break;
      if (pageTags.length > 0 && tags.size === before) {
        throw new DiscoveryError(
          'InvalidResponse',
          `registry ${repo.registry} repeated a page of tags for ${repo.repository} (pagination loop); giving up`,
        );
      }
      const nextUrl = new URL(next, url);
      if (nextUrl.origin !== origin) {
        throw new DiscoveryError(
          'InvalidResponse',
          `registry ${repo.registry} pointed the next page of tags for ${repo.repository} to another host (${nextUrl.host}); refusing to follow it`,
        );
      }
      url = nextUrl.toString();
      if (visited.has(url)) {
        throw new DiscoveryError(
          'InvalidResponse',
          `registry ${repo.registry} linked back to a page of tags already read for ${repo.repository} (pagination loop); giving up`,
        );
      }
    }
    return [...tags];
  }

  /**
   * The digest and media type a tag (or digest) points at, by HEAD (GET when
   * the registry does not send `Docker-Content-Digest`). Undefined on 404.
   */
  async headManifest(
    repo: RegistryRepository,
    reference: string,
    options: RegistryRequestOptions = {},
  ): Promise<ManifestHead | undefined> {
    const host = await this.#host(repo, options);
    const url = `${host.base}/v2/${repo.repository}/manifests/${reference}`;
    // Conditional: with the ETag of the last answer, a registry that still
    // has the tag on the same manifest answers 304 without reading it
    // (distribution checks If-None-Match right after resolving the tag). Any
    // other manifest has another ETag and is answered in full, so a moved
    // tag is always seen.
    const known = this.#heads.get(url);
    const res = await this.#request(
      repo,
      {
        method: 'HEAD',
        url,
        accept: MANIFEST_ACCEPT,
        ifNoneMatch: known?.etag,
        maxBytes: 0,
      },
      options,
    );
    if (res.status === 304 && known) {
      await res.body?.cancel().catch(() => undefined);
      return { digest: known.digest, mediaType: known.mediaType };
    }
    this.#heads.delete(url);
    if (res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      return undefined;
    }
    const digest = res.headers.get('docker-content-digest');
    const mediaType = (res.headers.get('content-type') ?? '')
      .split(';')[0]
      .trim();
    if (
      digest &&
      /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)
    ) {
      const etag = res.headers.get('etag');
      // Only strong validators (a weak one may cover other bytes).
      if (etag && !etag.startsWith('W/')) {
        this.#heads.set(url, { digest, mediaType, etag });
      }
      return { digest, mediaType };
    }
    // No digest header: fetch the manifest and compute it.
    const fetched = await this.#getManifest(
      repo,
      reference,
      undefined,
      options,
    );
    return fetched && { digest: fetched.digest, mediaType: fetched.mediaType };
  }

  /** A manifest or index by digest; cached (content is immutable). */
  async getManifest(
    repo: RegistryRepository,
    digest: string,
    options: RegistryRequestOptions = {},
  ): Promise<FetchedManifest> {
    const cached = this.#content.get(`manifest@${digest}`) as
      | FetchedManifest
      | undefined;
    if (cached) return cached;
    const fetched = await this.#getManifest(repo, digest, digest, options);
    if (!fetched) {
      throw new DiscoveryError(
        'NotFound',
        `registry ${repo.registry} has no manifest ${digest} in ${repo.repository}`,
      );
    }
    return fetched;
  }

  /** A JSON blob (an image config) by digest; cached. */
  async getJsonBlob(
    repo: RegistryRepository,
    digest: string,
    options: RegistryRequestOptions = {},
  ): Promise<unknown> {
    const key = `blob@${digest}`;
    const cached = this.#content.get(key);
    if (cached !== undefined) return cached;
    const host = await this.#host(repo, options);
    const url = `${host.base}/v2/${repo.repository}/blobs/${digest}`;
    const res = await this.#request(
      repo,
      { method: 'GET', url, maxBytes: MAX_MANIFEST_BYTES },
      options,
    );
    if (res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      throw new DiscoveryError(
        'NotFound',
        `registry ${repo.registry} has no blob ${digest} in ${repo.repository}`,
      );
    }
    const bytes = await this.#bytes(res, MAX_MANIFEST_BYTES, repo);
    this.#verifyDigest(bytes, digest, repo);
    const value = this.#parse(bytes, repo, `blob ${digest}`);
    this.#content.set(key, value);
    return value;
  }

  async #getManifest(
    repo: RegistryRepository,
    reference: string,
    expectedDigest: string | undefined,
    options: RegistryRequestOptions,
  ): Promise<FetchedManifest | undefined> {
    const host = await this.#host(repo, options);
    const url = `${host.base}/v2/${repo.repository}/manifests/${reference}`;
    const res = await this.#request(
      repo,
      {
        method: 'GET',
        url,
        accept: MANIFEST_ACCEPT,
        maxBytes: MAX_MANIFEST_BYTES,
      },
      options,
    );
    if (res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      return undefined;
    }
    const bytes = await this.#bytes(res, MAX_MANIFEST_BYTES, repo);
    if (expectedDigest) this.#verifyDigest(bytes, expectedDigest, repo);
    const manifest = this.#parse(
      bytes,
      repo,
      `manifest ${reference}`,
    ) as OciManifest;
    if (!manifest || typeof manifest !== 'object') {
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} returned a malformed manifest ${reference} for ${repo.repository}`,
      );
    }
    const headerType = (res.headers.get('content-type') ?? '')
      .split(';')[0]
      .trim();
    const mediaType =
      manifest.mediaType ||
      (headerType && headerType !== 'application/json' ? headerType : '') ||
      (manifest.manifests ? MediaTypes.ociIndex : MediaTypes.ociManifest);
    const digest =
      expectedDigest ??
      res.headers.get('docker-content-digest') ??
      `sha256:${sha256Hex(bytes)}`;
    const fetched = { digest, mediaType, manifest };
    this.#content.set(`manifest@${digest}`, fetched);
    return fetched;
  }

  #verifyDigest(bytes: Uint8Array, digest: string, repo: RegistryRepository) {
    if (!digest.startsWith('sha256:')) return;
    if (`sha256:${sha256Hex(bytes)}` !== digest) {
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} returned content for ${repo.repository} that does not match digest ${digest}`,
      );
    }
  }

  #notFound(repo: RegistryRepository) {
    return new DiscoveryError(
      'NotFound',
      `repository ${repo.repository} was not found on registry ${repo.registry}: check the repoURL`,
    );
  }

  async #bytes(
    res: RegistryResponse,
    maxBytes: number,
    repo: RegistryRepository,
  ) {
    const length = Number(res.headers.get('content-length'));
    if (length > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} sent a response larger than ${maxBytes} bytes for ${repo.repository}`,
      );
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > maxBytes) {
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} sent a response larger than ${maxBytes} bytes for ${repo.repository}`,
      );
    }
    return bytes;
  }

  #parse(bytes: Uint8Array, repo: RegistryRepository, what: string): unknown {
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} returned malformed JSON for the ${what} of ${repo.repository}`,
      );
    }
  }

  async #json(res: RegistryResponse, repo: RegistryRepository, what: string) {
    return this.#parse(
      await this.#bytes(res, MAX_TAG_PAGE_BYTES, repo),
      repo,
      what,
    );
  }

  /** Pings `/v2/` once per host (and TLS mode) to learn scheme and auth. */
  async #host(
    repo: RegistryRepository,
    options: RegistryRequestOptions,
  ): Promise<HostState> {
    const key = `${repo.apiHost}|${options.insecureSkipTLSVerify ? 1 : 0}`;
    const known = this.#hosts.get(key);
    if (known && known.expiresAt > this.#clock.now()) return known;
    // Concurrent requests (a discovery's HEADs, other Warehouses) share one
    // ping; it runs without any one caller's signal.
    return this.#shared(this.#pings, key, options.signal, () =>
      this.#ping(repo, key, {
        credentials: options.credentials,
        insecureSkipTLSVerify: options.insecureSkipTLSVerify,
      }),
    );
  }

  /**
   * Runs `make` once for concurrent callers with the same key; each caller
   * still stops waiting when its own signal aborts.
   */
  #shared<T>(
    inflight: Map<string, Promise<T>>,
    key: string,
    signal: AbortSignal | undefined,
    make: () => Promise<T>,
  ): Promise<T> {
    let running = inflight.get(key);
    if (!running) {
      running = make().finally(() => inflight.delete(key));
      running.catch(() => undefined);
      inflight.set(key, running);
    }
    if (!signal) return running;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      running!.then(
        value => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        err => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  async #ping(
    repo: RegistryRepository,
    key: string,
    options: RegistryRequestOptions,
  ): Promise<HostState> {
    const schemes = allowsPlainHttp(repo.apiHost)
      ? ['https', 'http']
      : ['https'];
    const failures: string[] = [];
    for (const scheme of schemes) {
      const base = `${scheme}://${repo.apiHost}`;
      let res: RegistryResponse;
      try {
        res = await this.#send(
          repo,
          { method: 'GET', url: `${base}/v2/`, maxBytes: MAX_TOKEN_BYTES },
          {},
          options,
        );
      } catch (e) {
        if (e instanceof DiscoveryError && e.reason === 'Unreachable') {
          failures.push(`${scheme}: ${e.message}`);
          continue;
        }
        throw e;
      }
      await res.body?.cancel().catch(() => undefined);
      let challenge: Challenge;
      if (res.status === 401) {
        challenge = parseChallenge(res.headers.get('www-authenticate')) ?? {
          scheme: 'basic',
        };
      } else if (res.status >= 200 && res.status < 300) {
        challenge = { scheme: 'none' };
      } else if (res.status === 404) {
        throw new DiscoveryError(
          'NotFound',
          `${repo.apiHost} does not serve the registry API (/v2/ answered 404): check the repoURL`,
        );
      } else {
        throw this.#statusError(res.status, repo, options);
      }
      const state = {
        base,
        challenge,
        expiresAt: this.#clock.now() + PING_TTL_MS,
      };
      this.#hosts.set(key, state);
      return state;
    }
    throw new DiscoveryError(
      'Unreachable',
      `cannot reach registry ${repo.registry} (${failures.join(
        '; ',
      )}): check the repoURL and that the registry is up`,
    );
  }

  async #authorization(
    repo: RegistryRepository,
    challenge: Challenge,
    options: RegistryRequestOptions,
    forceRefresh = false,
  ): Promise<string | undefined> {
    if (challenge.scheme === 'none') return undefined;
    if (challenge.scheme === 'basic') {
      return options.credentials ? basicAuth(options.credentials) : undefined;
    }
    const scope = `repository:${repo.repository}:pull`;
    const cacheKey = [
      challenge.realm,
      challenge.service ?? '',
      scope,
      credentialKey(options.credentials),
    ].join('|');
    const cached = this.#tokens.get(cacheKey);
    if (cached && !forceRefresh && cached.expiresAt > this.#clock.now()) {
      return `Bearer ${cached.token}`;
    }
    // One token request for concurrent callers (a discovery's HEADs go out
    // together), without any one caller's signal.
    const token = await this.#shared(
      this.#tokenRequests,
      cacheKey,
      options.signal,
      () =>
        this.#fetchToken(repo, challenge, scope, cacheKey, {
          credentials: options.credentials,
          insecureSkipTLSVerify: options.insecureSkipTLSVerify,
        }),
    );
    return `Bearer ${token}`;
  }

  async #fetchToken(
    repo: RegistryRepository,
    challenge: Extract<Challenge, { scheme: 'bearer' }>,
    scope: string,
    cacheKey: string,
    options: RegistryRequestOptions,
  ): Promise<string> {
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(challenge.realm);
    } catch {
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} announced an invalid token realm`,
      );
    }
    if (tokenUrl.protocol !== 'https:' && tokenUrl.protocol !== 'http:') {
      throw new DiscoveryError(
        'InvalidResponse',
        `registry ${repo.registry} announced a token realm that is not http(s)`,
      );
    }
    if (challenge.service)
      tokenUrl.searchParams.set('service', challenge.service);
    tokenUrl.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (options.credentials)
      headers.authorization = basicAuth(options.credentials);
    const res = await this.#send(
      repo,
      { method: 'GET', url: tokenUrl.toString(), maxBytes: MAX_TOKEN_BYTES },
      headers,
      options,
    );
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => undefined);
      throw new DiscoveryError(
        'Unauthorized',
        options.credentials
          ? `the token service of registry ${repo.registry} (${tokenUrl.host}) refused the credentials for ${repo.repository} (${res.status}): check the credentials for it`
          : `the token service of registry ${repo.registry} (${tokenUrl.host}) refused anonymous access to ${repo.repository} (${res.status}): add credentials for it`,
      );
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw this.#statusError(res.status, repo, options, 'token service');
    }
    const body = this.#parse(
      await this.#bytes(res, MAX_TOKEN_BYTES, repo),
      repo,
      'token',
    ) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    let token: string | undefined;
    if (typeof body?.token === 'string' && body.token) token = body.token;
    else if (typeof body?.access_token === 'string') token = body.access_token;
    if (!token) {
      throw new DiscoveryError(
        'InvalidResponse',
        `the token service of registry ${repo.registry} returned no token`,
      );
    }
    // The distribution spec: tokens last at least 60 s; renew 10 s early.
    const lifetime = Math.max(
      60,
      typeof body.expires_in === 'number' ? body.expires_in : 60,
    );
    this.#tokens.set(cacheKey, {
      token,
      expiresAt: this.#clock.now() + (lifetime - 10) * 1000,
    });
    return token;
  }

  /** An authenticated request with 401 refresh and 429 retries. */
  async #request(
    repo: RegistryRepository,
    spec: RequestSpec,
    options: RegistryRequestOptions,
  ): Promise<RegistryResponse> {
    const host = await this.#host(repo, options);
    let challenge = host.challenge;
    let refreshed = false;
    let retries = 0;
    for (;;) {
      const headers: Record<string, string> = {};
      if (spec.accept) headers.accept = spec.accept;
      if (spec.ifNoneMatch) headers['if-none-match'] = spec.ifNoneMatch;
      const auth = await this.#authorization(
        repo,
        challenge,
        options,
        refreshed,
      );
      if (auth) headers.authorization = auth;
      const res = await this.#send(repo, spec, headers, options);
      if (res.status === 401 && !refreshed) {
        // Expired token, or the registry wants another auth scheme/scope.
        const fresh = parseChallenge(res.headers.get('www-authenticate'));
        if (
          fresh &&
          (fresh.scheme === 'bearer' ||
            (fresh.scheme === 'basic' && options.credentials))
        ) {
          await res.body?.cancel().catch(() => undefined);
          challenge = fresh;
          host.challenge = fresh;
          refreshed = true;
          continue;
        }
      }
      if (res.status === 429) {
        await res.body?.cancel().catch(() => undefined);
        const wait =
          retryAfterMs(res.headers.get('retry-after'), this.#clock.now()) ??
          1000;
        if (retries >= this.#maxRetries || wait > this.#maxRetryAfterMs) {
          throw new DiscoveryError(
            'RateLimited',
            `registry ${
              repo.registry
            } keeps answering 429 Too Many Requests for ${repo.repository}${
              retries >= this.#maxRetries
                ? ` after ${retries} retries`
                : ` (Retry-After ${Math.round(wait / 1000)} s)`
            }: lower the request rate or try later`,
          );
        }
        retries++;
        this.#logger?.debug('registry rate limited the request; retrying', {
          registry: repo.registry,
          waitMs: wait,
        });
        await this.#clock.sleep(wait, options.signal);
        continue;
      }
      if (
        res.status === 404 ||
        (res.status >= 200 && res.status < 300) ||
        (res.status === 304 && spec.ifNoneMatch)
      ) {
        return res;
      }
      await res.body?.cancel().catch(() => undefined);
      throw this.#statusError(res.status, repo, options);
    }
  }

  #statusError(
    status: number,
    repo: RegistryRepository,
    options: RegistryRequestOptions,
    what = 'registry',
  ): DiscoveryError {
    const who = `${
      what === 'registry' ? 'registry' : `the ${what} of registry`
    } ${repo.registry}`;
    if (status === 401 || status === 403) {
      return new DiscoveryError(
        'Unauthorized',
        options.credentials
          ? `${who} answered ${status} for ${repo.repository}: check the credentials for it in kargo.credentials`
          : `${who} answered ${status} for ${repo.repository}: the repository does not exist or needs credentials; add credentials for it in kargo.credentials`,
      );
    }
    if (status >= 500) {
      return new DiscoveryError(
        'ServerError',
        `${who} answered ${status} for ${repo.repository}: the registry failed; try again later`,
      );
    }
    return new DiscoveryError(
      'InvalidResponse',
      `${who} answered an unexpected ${status} for ${repo.repository}`,
    );
  }

  /** One rate-limited HTTP exchange with a timeout. */
  async #send(
    repo: RegistryRepository,
    spec: RequestSpec,
    headers: Record<string, string>,
    options: RegistryRequestOptions,
  ): Promise<RegistryResponse> {
    await this.#limiters
      .get(repo.apiHost, this.#rps, this.#burst)
      .take(options.signal);
    this.#onRequest?.(spec.method, spec.url);
    const insecure =
      !!options.insecureSkipTLSVerify && spec.url.startsWith('https:');
    if (!this.#fetch || insecure) {
      // The default transport times the exchange out itself (a plain timer
      // per request rather than two AbortSignals).
      try {
        return await nodeFetch(
          spec.url,
          {
            method: spec.method,
            headers,
            signal: options.signal,
            redirect: 'follow',
          },
          {
            insecureSkipTLSVerify: insecure,
            maxBodyBytes: Math.max(spec.maxBytes, 1),
            timeoutMs: this.#timeoutMs,
          },
        );
      } catch (e) {
        throw this.#sendError(
          repo,
          spec,
          options,
          e,
          e instanceof TimeoutError,
        );
      }
    }
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout])
      : timeout;
    try {
      return await this.#fetch(spec.url, {
        method: spec.method,
        headers,
        signal,
        redirect: 'follow',
      });
    } catch (e) {
      throw this.#sendError(repo, spec, options, e, timeout.aborted);
    }
  }

  #sendError(
    repo: RegistryRepository,
    spec: RequestSpec,
    options: RegistryRequestOptions,
    e: unknown,
    timedOut: boolean,
  ): unknown {
    if (options.signal?.aborted) return options.signal.reason;
    if (timedOut) {
      return new DiscoveryError(
        'Timeout',
        `registry ${repo.registry} did not answer within ${Math.round(
          this.#timeoutMs / 1000,
        )} s (${spec.method} ${
          new URL(spec.url).pathname
        }): check that it is up`,
      );
    }
    return new DiscoveryError(
      'Unreachable',
      `cannot reach ${new URL(spec.url).host} (${describeCause(e)})`,
      { cause: e },
    );
  }
}
