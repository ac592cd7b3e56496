import http from 'node:http';
import net from 'node:net';
import {
  blobOf,
  imageBlobs,
  OCI_INDEX,
  OCI_MANIFEST,
  TestImage,
  TestIndex,
} from './ociLayout';

export type FakeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  ifNoneMatch?: string;
};

export type FakeResponse = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (for timeouts). */
  hang?: boolean;
};

export type FakeRegistryOptions = {
  auth?:
    | {
        scheme: 'bearer';
        username?: string;
        password?: string;
        /** Whether the token service gives anonymous tokens (default false). */
        anonymous?: boolean;
        expiresIn?: number;
      }
    | { scheme: 'basic'; username: string; password: string };
  /** Honour `n` and `last` on tag lists and send `Link` headers. */
  paginate?: boolean;
  /** HEAD answers without Docker-Content-Digest. */
  omitDigestOnHead?: boolean;
  /** Manifests without ETag, If-None-Match ignored. */
  noEtags?: boolean;
  /** Answers before the registry logic when it returns a response. */
  intercept?: (req: FakeRequest) => FakeResponse | undefined;
};

/**
 * A small OCI distribution registry on 127.0.0.1 for behaviour the Debian
 * registry lacks: Link pagination, a token service with a realm, 429s,
 * malformed answers. Records every request it gets.
 */
export class FakeRegistry {
  readonly requests: FakeRequest[] = [];
  readonly #repos = new Map<string, Map<string, string>>();
  readonly #content = new Map<string, string>();
  readonly #tokens = new Map<string, string>();
  readonly #sockets = new Set<net.Socket>();
  #server?: http.Server;
  #tokenCount = 0;
  #connections = 0;
  host = '';

  constructor(private readonly options: FakeRegistryOptions = {}) {}

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', s => {
      this.#connections++;
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', () => resolve()),
    );
    this.host = `127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>(resolve => this.#server?.close(() => resolve()));
  }

  /** Stores a manifest (JSON text) under a tag; answers its digest. */
  putManifest(repo: string, tag: string, body: string): string {
    const blob = blobOf(body);
    this.#content.set(blob.digest, body);
    if (!this.#repos.has(repo)) this.#repos.set(repo, new Map());
    this.#repos.get(repo)!.set(tag, blob.digest);
    return blob.digest;
  }

  /** Stores an image or index with its blobs under a tag; answers its digest. */
  putImage(repo: string, tag: string, content: TestImage | TestIndex): string {
    const images = 'platforms' in content ? content.platforms : [content];
    const manifests = images.map(image => {
      const blobs = imageBlobs(image);
      for (const b of [blobs.config, blobs.layer, blobs.manifest]) {
        this.#content.set(b.digest, b.bytes.toString('latin1'));
      }
      return {
        mediaType: OCI_MANIFEST,
        digest: blobs.manifest.digest,
        size: blobs.manifest.size,
        platform: {
          os: image.os ?? 'linux',
          architecture: image.architecture ?? 'amd64',
          ...(image.variant ? { variant: image.variant } : {}),
        },
        ...('descriptorAnnotations' in image && image.descriptorAnnotations
          ? { annotations: image.descriptorAnnotations }
          : {}),
        body: blobs.manifest.bytes.toString(),
      };
    });
    if (!('platforms' in content)) {
      return this.putManifest(repo, tag, manifests[0].body);
    }
    return this.putManifest(
      repo,
      tag,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: manifests.map(({ body: _b, ...d }) => d),
        ...(content.annotations ? { annotations: content.annotations } : {}),
      }),
    );
  }

  /** The stored manifest (JSON text) of a digest. */
  manifestOf(digest: string): string {
    const body = this.#content.get(digest);
    if (body === undefined) throw new Error(`no content ${digest}`);
    return body;
  }

  /** Removes a tag (its manifest stays, by digest). */
  deleteTag(repo: string, tag: string) {
    this.#repos.get(repo)?.delete(tag);
  }

  /** TCP connections accepted so far. */
  get connections(): number {
    return this.#connections;
  }

  /** Requests whose method and path match. */
  count(method: string, path: RegExp): number {
    return this.requests.filter(r => r.method === method && path.test(r.path))
      .length;
  }

  get tokenRequests(): number {
    return this.requests.filter(r => r.path === '/token').length;
  }

  #send(res: http.ServerResponse, r: FakeResponse, head = false) {
    if (r.hang) return;
    res.writeHead(r.status, r.headers);
    res.end(head ? undefined : r.body);
  }

  #challenge(scope?: string): FakeResponse {
    const auth = this.options.auth!;
    const value =
      auth.scheme === 'basic'
        ? 'Basic realm="fake"'
        : `Bearer realm="http://${this.host}/token",service="fake-registry"${
            scope ? `,scope="${scope}"` : ''
          }`;
    return {
      status: 401,
      headers: {
        'www-authenticate': value,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED' }] }),
    };
  }

  #basicOk(header: string | undefined, username?: string, password?: string) {
    if (!header?.startsWith('Basic ')) return undefined;
    const [u, p] = Buffer.from(header.slice(6), 'base64').toString().split(':');
    return u === username && p === password;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      ifNoneMatch: req.headers['if-none-match'],
    };
    this.requests.push(request);
    const head = request.method === 'HEAD';
    const intercepted = this.options.intercept?.(request);
    if (intercepted) {
      this.#send(res, intercepted, head);
      return;
    }
    const auth = this.options.auth;
    if (url.pathname === '/token' && auth?.scheme === 'bearer') {
      const basic = this.#basicOk(
        request.authorization,
        auth.username,
        auth.password,
      );
      if (basic === false || (basic === undefined && !auth.anonymous)) {
        this.#send(res, { status: 401, body: '{"details":"bad credentials"}' });
        return;
      }
      const token = `token-${++this.#tokenCount}`;
      this.#tokens.set(token, url.searchParams.get('scope') ?? '');
      this.#send(res, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, expires_in: auth.expiresIn ?? 300 }),
      });
      return;
    }
    const m = /^\/v2\/(.+)\/(tags\/list|manifests\/[^/]+|blobs\/[^/]+)$/.exec(
      url.pathname,
    );
    const repo = m?.[1];
    const scope = repo ? `repository:${repo}:pull` : undefined;
    if (auth?.scheme === 'basic') {
      if (!this.#basicOk(request.authorization, auth.username, auth.password)) {
        this.#send(res, this.#challenge(), head);
        return;
      }
    } else if (auth?.scheme === 'bearer') {
      const token = request.authorization?.startsWith('Bearer ')
        ? request.authorization.slice(7)
        : undefined;
      const granted = token !== undefined ? this.#tokens.get(token) : undefined;
      if (granted === undefined || (scope && granted !== scope)) {
        this.#send(res, this.#challenge(scope), head);
        return;
      }
    }
    if (url.pathname === '/v2/') {
      this.#send(res, { status: 200, body: '{}' }, head);
      return;
    }
    const tags = repo ? this.#repos.get(repo) : undefined;
    if (!m || !tags) {
      this.#send(
        res,
        { status: 404, body: '{"errors":[{"code":"NAME_UNKNOWN"}]}' },
        head,
      );
      return;
    }
    const [kind, ref] = m[2].split('/');
    if (kind === 'tags') {
      let names = [...tags.keys()].sort();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
      };
      if (this.options.paginate) {
        const last = url.searchParams.get('last');
        if (last) names = names.filter(t => t > last);
        const n = Number(url.searchParams.get('n') ?? names.length);
        if (names.length > n) {
          names = names.slice(0, n);
          headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(
            names[names.length - 1],
          )}>; rel="next"`;
        }
      }
      this.#send(res, {
        status: 200,
        headers,
        body: JSON.stringify({ name: repo, tags: names }),
      });
      return;
    }
    const digest = ref.startsWith('sha256:') ? ref : tags.get(ref);
    const body = digest ? this.#content.get(digest) : undefined;
    if (!digest || body === undefined) {
      this.#send(
        res,
        { status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}' },
        head,
      );
      return;
    }
    const headers: Record<string, string> = {
      'content-length': String(Buffer.byteLength(body, 'latin1')),
    };
    if (kind === 'manifests') {
      // As distribution: the digest is the ETag, and a matching
      // If-None-Match is answered 304 once the tag is resolved.
      const etag = `"${digest}"`;
      if (!this.options.noEtags && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      headers['content-type'] = JSON.parse(body).mediaType ?? OCI_MANIFEST;
      if (!this.options.noEtags) headers.etag = etag;
      if (!(head && this.options.omitDigestOnHead)) {
        headers['docker-content-digest'] = digest;
      }
    } else {
      headers['content-type'] = 'application/octet-stream';
    }
    res.writeHead(200, headers);
    res.end(head ? undefined : Buffer.from(body, 'latin1'));
  }
}
