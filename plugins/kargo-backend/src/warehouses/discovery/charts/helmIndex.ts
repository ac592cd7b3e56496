import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { DiscoveryError, RepositoryCredentials } from '../types';
import type { MastermindsVersion } from '@kargo-backstage/plugin-kargo-common';
import { parseLooseVersion } from './chartVersions';
import { displayURL, httpRequest, HttpResponse } from './httpRequest';

/** What is kept of one index.yaml: per chart, its parsable versions. */
export type ParsedIndex = {
  charts: ReadonlyMap<string, readonly MastermindsVersion[]>;
};

type CacheEntry = {
  etag?: string;
  lastModified?: string;
  sha256: string;
  index: ParsedIndex;
};

export type HelmIndexCacheStats = {
  /** index.yaml requests sent. */
  requests: number;
  /** Answers 304 Not Modified. */
  notModified: number;
  /** Full answers whose body was identical to the cached one. */
  unchangedBodies: number;
  /** Documents actually parsed. */
  parses: number;
};

/**
 * In-process cache of parsed Helm repository indexes, keyed by index URL,
 * least recently used evicted first. Entries are always revalidated with the
 * server (If-None-Match / If-Modified-Since), so authorisation is checked on
 * every discovery; an unchanged index (304, or the same bytes) is not parsed
 * again.
 */
export class HelmIndexCache {
  private readonly entries = new Map<string, CacheEntry>();
  readonly stats: HelmIndexCacheStats = {
    requests: 0,
    notModified: 0,
    unchangedBodies: 0,
    parses: 0,
  };

  constructor(private readonly maxEntries = 64) {}

  get(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CacheEntry) {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string) {
    this.entries.delete(key);
  }

  get size() {
    return this.entries.size;
  }
}

export type FetchIndexOptions = {
  credentials?: RepositoryCredentials;
  insecureSkipTLSVerify?: boolean;
  timeoutMs: number;
  maxIndexBytes: number;
  signal?: AbortSignal;
  cache: HelmIndexCache;
};

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `<repoURL>/index.yaml`, whether repoURL ends with "/" or not. */
export function indexURLFor(repoURL: string): URL {
  let url: URL;
  try {
    url = new URL(repoURL);
  } catch {
    throw new DiscoveryError(
      'InvalidSubscription',
      `chart repoURL ${displayURL(repoURL)} is not a valid URL`,
    );
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/index.yaml`;
  return url;
}

function basicAuth(c: RepositoryCredentials): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password}`).toString(
    'base64',
  )}`;
}

/**
 * Downloads (or revalidates) and parses a classic Helm repository's index.
 */
export async function fetchHelmIndex(
  repoURL: string,
  options: FetchIndexOptions,
): Promise<ParsedIndex> {
  const start = indexURLFor(repoURL);
  // Credentials embedded in the URL are used as Basic auth (as Go's client
  // does) unless the credentials store has some; never sent in the URL.
  let credentials = options.credentials;
  if (!credentials && (start.username || start.password)) {
    credentials = {
      username: decodeURIComponent(start.username),
      password: decodeURIComponent(start.password),
    };
  }
  start.username = '';
  start.password = '';
  const key = start.toString();
  const cached = options.cache.get(key);

  let url = start;
  let res: HttpResponse | undefined;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      accept: 'application/yaml, application/x-yaml, text/yaml, */*',
    };
    // Like Go's client: Authorization only goes to the original host.
    if (credentials && url.host === start.host) {
      headers.authorization = basicAuth(credentials);
    }
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) {
      headers['if-modified-since'] = cached.lastModified;
    }
    options.cache.stats.requests++;
    res = await httpRequest(url, {
      headers,
      insecureSkipTLSVerify: options.insecureSkipTLSVerify,
      timeoutMs: options.timeoutMs,
      maxBodyBytes: options.maxIndexBytes,
      signal: options.signal,
      describe: `chart repository index ${displayURL(url)}`,
    });
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || !location) break;
    if (hop >= MAX_REDIRECTS) {
      throw new DiscoveryError(
        'InvalidResponse',
        `chart repository index ${displayURL(
          start,
        )} redirects more than ${MAX_REDIRECTS} times`,
      );
    }
    url = new URL(location, url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DiscoveryError(
        'InvalidResponse',
        `chart repository index ${displayURL(
          start,
        )} redirects to an unsupported URL`,
      );
    }
  }

  const where = displayURL(start);
  if (res.status === 304 && cached) {
    options.cache.stats.notModified++;
    return cached.index;
  }
  if (res.status !== 200) {
    throw statusError(res.status, where, credentials !== undefined);
  }
  const sha256 = createHash('sha256').update(res.body).digest('hex');
  const etag = headerValue(res.headers.etag);
  const lastModified = headerValue(res.headers['last-modified']);
  if (cached && cached.sha256 === sha256) {
    options.cache.stats.unchangedBodies++;
    options.cache.set(key, { ...cached, etag, lastModified });
    return cached.index;
  }
  options.cache.stats.parses++;
  const index = parseHelmIndex(res.body.toString('utf8'), where);
  options.cache.set(key, { etag, lastModified, sha256, index });
  return index;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v || undefined;
}

function statusError(
  status: number,
  where: string,
  withCredentials: boolean,
): DiscoveryError {
  if (status === 401 || status === 403) {
    return new DiscoveryError(
      'Unauthorized',
      withCredentials
        ? `chart repository ${where} answered ${status}: the Helm credentials configured for this repository were rejected; check them`
        : `chart repository ${where} answered ${status}: it needs credentials; configure Helm credentials for this repository URL`,
    );
  }
  if (status === 404 || status === 410) {
    return new DiscoveryError(
      'NotFound',
      `chart repository ${where} answered ${status}: check that repoURL is the root of a Helm chart repository (the folder holding index.yaml)`,
    );
  }
  if (status === 429) {
    return new DiscoveryError(
      'RateLimited',
      `chart repository ${where} answered 429 (too many requests); discovery will be retried later`,
    );
  }
  if (status >= 500) {
    return new DiscoveryError(
      'ServerError',
      `chart repository ${where} answered ${status}: the server has a problem; try again later`,
    );
  }
  return new DiscoveryError(
    'InvalidResponse',
    `chart repository ${where} answered unexpected HTTP ${status}`,
  );
}

/** Failsafe YAML reads `null` and `~` as text; Go reads them as nothing. */
const isNull = (v: unknown) =>
  v === null || v === undefined || v === '' || v === 'null' || v === '~';

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses an index.yaml (or index.json) into per-chart versions. Scalars are
 * read as text (YAML failsafe schema) so `version: 1.10` stays "1.10", as Go
 * reads it into a string field; versions that are not semver are skipped.
 */
export function parseHelmIndex(text: string, where: string): ParsedIndex {
  // index.json (or a JSON index.yaml) parses far faster as JSON; anything
  // JSON cannot represent as Go would read it falls back to YAML.
  if (/^\s*\{/.test(text)) {
    try {
      return walkIndex(JSON.parse(text), where);
    } catch {
      // not JSON, or not an index we can read from JSON: read it as YAML
    }
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, {
      schema: 'failsafe',
      maxAliasCount: 1000,
    });
  } catch (e) {
    const reason = (e as Error).message?.split('\n')[0] ?? String(e);
    throw new DiscoveryError(
      'InvalidResponse',
      `chart repository index ${where} is not valid YAML (${reason}): check that repoURL points at a Helm chart repository`,
      { cause: e },
    );
  }
  return walkIndex(doc, where);
}

function walkIndex(doc: unknown, where: string): ParsedIndex {
  const charts = new Map<string, MastermindsVersion[]>();
  if (isNull(doc)) return { charts };
  const invalid = (what: string) =>
    new DiscoveryError(
      'InvalidResponse',
      `chart repository index ${where} is malformed: ${what}; check that repoURL points at a Helm chart repository`,
    );
  if (!isMap(doc)) throw invalid('the document is not a mapping');
  const entries = doc.entries;
  if (isNull(entries)) return { charts };
  if (!isMap(entries)) throw invalid('"entries" is not a mapping');
  for (const [name, list] of Object.entries(entries)) {
    if (isNull(list)) {
      charts.set(name, []);
      continue;
    }
    if (!Array.isArray(list)) throw invalid(`entries.${name} is not a list`);
    const versions: MastermindsVersion[] = [];
    for (const item of list) {
      if (isNull(item)) continue;
      if (!isMap(item))
        throw invalid(`an item of entries.${name} is not a mapping`);
      const version = item.version;
      if (isNull(version)) continue;
      if (typeof version !== 'string') {
        throw invalid(`a version of ${name} is not a string`);
      }
      const parsed = parseLooseVersion(version);
      if (parsed) versions.push(parsed);
    }
    charts.set(name, versions);
  }
  return { charts };
}
