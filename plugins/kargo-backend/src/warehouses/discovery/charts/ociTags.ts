import { DiscoveryError, RepositoryCredentials } from '../types';
import {
  displayURL,
  httpRequest,
  HttpResponse,
  PlainHttpServerError,
} from './httpRequest';

/** A repository in an OCI registry. */
export type OciRepository = {
  /** host[:port] of the registry API. */
  host: string;
  /** Repository path, e.g. `charts/podinfo`. */
  name: string;
  /** Skip TLS certificate verification. */
  insecure: boolean;
};

/**
 * Lists a repository's tags. The minimal seam the chart discoverer needs;
 * meant to be backed by the shared registry client in `../registry/` once it
 * has tag listing.
 */
export interface OciTagLister {
  listTags(
    repo: OciRepository,
    credentials: RepositoryCredentials | undefined,
    options?: { signal?: AbortSignal },
  ): Promise<string[]>;
}

export type FetchOciTagListerOptions = {
  timeoutMs?: number;
  /** Sent as `?n=`; unset leaves the page size to the registry. */
  pageSize?: number;
  maxPages?: number;
  maxTags?: number;
};

// Repository names per the OCI distribution spec.
const REPOSITORY_RE =
  /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const HOST_RE = /^[\w.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/;

/**
 * Reads `oci://host[:port]/path/chart[:tag|@digest]` as oras does for Kargo
 * (registry.ParseReference): the host is used as given (no Docker Hub
 * rewriting); a tag or digest is ignored for listing.
 */
export function parseOciChartURL(
  repoURL: string,
  insecure: boolean,
): OciRepository {
  const rest = repoURL.replace(/^oci:\/\//, '');
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  let name = slash < 0 ? '' : rest.slice(slash + 1);
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && !name.slice(colon).includes('/')) {
    name = name.slice(0, colon);
  }
  if (!HOST_RE.test(host) || !REPOSITORY_RE.test(name)) {
    throw new DiscoveryError(
      'InvalidSubscription',
      `chart repoURL ${repoURL.replace(
        /\/\/[^/@]*@/,
        '//',
      )} is not a valid OCI chart reference: expected oci://<registry>/<path>/<chart> with a lower-case repository path`,
    );
  }
  return { host, name, insecure };
}

type Challenge = { scheme: string; params: Record<string, string> };

export function parseChallenge(
  header: string | undefined,
): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) {
    params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: m[1].toLowerCase(), params };
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(
  link: string | string[] | undefined,
): string | undefined {
  const values = typeof link === 'string' ? [link] : link ?? [];
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>(.*)$/.exec(part);
      if (m && /;\s*rel\s*=\s*"?next"?/i.test(m[2])) return m[1];
    }
  }
  return undefined;
}

const basic = (c: RepositoryCredentials) =>
  `Basic ${Buffer.from(`${c.username ?? ''}:${c.password}`).toString(
    'base64',
  )}`;

/**
 * A small registry client for tag listing only: anonymous first, then the
 * registry's challenge (Basic, or Bearer via its token service), following
 * `Link` pagination. HTTPS unless the registry answers plain HTTP, which is
 * probed like Kargo's helm.IsPlainHTTP and remembered per host.
 *
 * Fallback until `../registry/` offers tag listing.
 */
export class FetchOciTagLister implements OciTagLister {
  private readonly plainHttpHosts = new Set<string>();
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly maxTags: number;

  constructor(private readonly options: FetchOciTagListerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxPages = options.maxPages ?? 1000;
    this.maxTags = options.maxTags ?? 100_000;
  }

  async listTags(
    repo: OciRepository,
    credentials: RepositoryCredentials | undefined,
    opts: { signal?: AbortSignal } = {},
  ): Promise<string[]> {
    const scheme = this.plainHttpHosts.has(repo.host) ? 'http' : 'https';
    let url = new URL(`${scheme}://${repo.host}/v2/${repo.name}/tags/list`);
    if (this.options.pageSize) {
      url.searchParams.set('n', String(this.options.pageSize));
    }
    const where = `OCI repository ${repo.host}/${repo.name}`;
    const tags: string[] = [];
    let authorization: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= this.maxPages) {
        throw new DiscoveryError(
          'InvalidResponse',
          `${where} has more than ${this.maxPages} pages of tags`,
        );
      }
      let res: HttpResponse;
      try {
        res = await this.get(url, repo, authorization, opts.signal);
      } catch (e) {
        if (
          e instanceof PlainHttpServerError &&
          url.protocol === 'https:' &&
          url.host === repo.host
        ) {
          // Kargo (helm.IsPlainHTTP): a registry that answers HTTPS with
          // plain HTTP is spoken to over plain HTTP.
          this.plainHttpHosts.add(repo.host);
          url.protocol = 'http:';
          page--;
          continue;
        }
        throw e;
      }
      if (res.status === 401 && authorization === undefined) {
        authorization = await this.authorize(
          res,
          repo,
          credentials,
          where,
          opts.signal,
        );
        if (authorization !== undefined) {
          page--;
          continue;
        }
      }
      if (res.status !== 200) {
        throw this.statusError(res.status, where, credentials !== undefined);
      }
      let body: { tags?: unknown };
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch (e) {
        throw new DiscoveryError(
          'InvalidResponse',
          `${where} answered a tag list that is not JSON`,
          { cause: e },
        );
      }
      const pageTags = body?.tags ?? [];
      if (!Array.isArray(pageTags)) {
        throw new DiscoveryError(
          'InvalidResponse',
          `${where} answered a malformed tag list`,
        );
      }
      for (const t of pageTags) if (typeof t === 'string') tags.push(t);
      if (tags.length > this.maxTags) {
        throw new DiscoveryError(
          'InvalidResponse',
          `${where} has more than ${this.maxTags} tags`,
        );
      }
      const next = nextLink(res.headers.link);
      if (!next) return tags;
      const nextURL = new URL(next, url);
      if (nextURL.host !== url.host) {
        throw new DiscoveryError(
          'InvalidResponse',
          `${where} paginates to another host`,
        );
      }
      url = nextURL;
    }
  }

  private get(
    url: URL,
    repo: OciRepository,
    authorization: string | undefined,
    signal?: AbortSignal,
  ) {
    return httpRequest(url, {
      headers: {
        accept: 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      insecureSkipTLSVerify: repo.insecure,
      timeoutMs: this.timeoutMs,
      maxBodyBytes: 16 * 1024 * 1024,
      signal,
      describe: `OCI registry ${repo.host}`,
    });
  }

  /** Answers the Authorization header to retry with, if any. */
  private async authorize(
    res: HttpResponse,
    repo: OciRepository,
    credentials: RepositoryCredentials | undefined,
    where: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const header = res.headers['www-authenticate'];
    const challenge = parseChallenge(
      Array.isArray(header) ? header[0] : header,
    );
    if (challenge?.scheme === 'basic') {
      return credentials ? basic(credentials) : undefined;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      return undefined;
    }
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm);
    } catch {
      realm = new URL('invalid:');
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new DiscoveryError(
        'InvalidResponse',
        `${where}: the registry's token service URL is not an http(s) URL`,
      );
    }
    if (challenge.params.service) {
      realm.searchParams.set('service', challenge.params.service);
    }
    realm.searchParams.set(
      'scope',
      challenge.params.scope ?? `repository:${repo.name}:pull`,
    );
    const tokenRes = await httpRequest(realm, {
      headers: {
        accept: 'application/json',
        ...(credentials ? { authorization: basic(credentials) } : {}),
      },
      insecureSkipTLSVerify: repo.insecure,
      timeoutMs: this.timeoutMs,
      maxBodyBytes: 1024 * 1024,
      signal,
      describe: `token service ${displayURL(realm)} of ${repo.host}`,
    });
    if (tokenRes.status !== 200) {
      throw this.statusError(
        tokenRes.status,
        `token service of ${where}`,
        credentials !== undefined,
      );
    }
    let token: unknown;
    try {
      const body = JSON.parse(tokenRes.body.toString('utf8'));
      token = body?.token ?? body?.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token) {
      throw new DiscoveryError(
        'InvalidResponse',
        `token service of ${where} answered no token`,
      );
    }
    return `Bearer ${token}`;
  }

  private statusError(
    status: number,
    where: string,
    withCredentials: boolean,
  ): DiscoveryError {
    if (status === 401 || status === 403) {
      return new DiscoveryError(
        'Unauthorized',
        withCredentials
          ? `${where} answered ${status}: the Helm credentials configured for this repository were rejected or lack pull access; check them`
          : `${where} answered ${status}: it needs credentials; configure Helm credentials for this repository URL`,
      );
    }
    if (status === 404) {
      return new DiscoveryError(
        'NotFound',
        `${where} answered 404: check that repoURL names an existing chart (oci://<registry>/<path>/<chart>)`,
      );
    }
    if (status === 429) {
      return new DiscoveryError(
        'RateLimited',
        `${where} answered 429 (too many requests); discovery will be retried later`,
      );
    }
    if (status >= 500) {
      return new DiscoveryError(
        'ServerError',
        `${where} answered ${status}: the registry has a problem; try again later`,
      );
    }
    return new DiscoveryError(
      'InvalidResponse',
      `${where} answered unexpected HTTP ${status}`,
    );
  }
}
