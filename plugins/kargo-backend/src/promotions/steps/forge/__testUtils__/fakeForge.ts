import { verify, type KeyObject } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  handleGithub,
  type FakeRequest,
  type FakeResponse,
} from './fakeGithub';
import { handleGitlab } from './fakeGitlab';
import { FakeRepo } from './fakeRepo';

/** Host names the fake's web URLs use (what repoURLs in tests point at). */
export const FAKE_GITHUB_HOST = 'git.acme.test';
export const FAKE_GITLAB_HOST = 'lab.acme.test';

export type FakeForgeOptions = {
  /** Serve HTTPS with this (self-signed) key pair. */
  tls?: { key: string; cert: string };
  /** Page size cap for list endpoints, to exercise pagination. */
  maxPerPage?: number;
  /** A GitHub App whose JWTs the fake accepts, and where it is installed. */
  githubApp?: {
    appId: number;
    publicKey: KeyObject;
    installations: { id: number; owner: string }[];
  };
};

/** True when `jwt` is an RS256 JWT signed by `key` and issued by `appId`. */
function validAppJwt(jwt: string, key: KeyObject, appId: number): boolean {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url'),
  );
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return signed && String(claims.iss) === String(appId);
}

/**
 * A GitHub + GitLab REST fake on 127.0.0.1: GitHub v3 under /api/v3,
 * GitLab v4 under /api/v4, with bearer-token checks on every call.
 */
export class FakeForge {
  readonly github = new Map<string, FakeRepo>();
  readonly gitlab = new Map<string, FakeRepo>();
  /** Tokens the fake accepts. */
  readonly tokens = new Set<string>();
  /** Every call: method, path+query, and the Authorization header seen. */
  readonly requests: {
    method: string;
    path: string;
    authorization?: string;
  }[] = [];
  private failures: {
    response: FakeResponse;
    matches: (method: string, path: string) => boolean;
  }[] = [];
  private installationTokens = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly options: FakeForgeOptions,
  ) {}

  static async start(options: FakeForgeOptions = {}): Promise<FakeForge> {
    let forge: FakeForge | undefined = undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      forge!.handle(req, res);
    const server = options.tls
      ? createHttpsServer(options.tls, handler)
      : createHttpServer(handler);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    forge = new FakeForge(
      server,
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      options,
    );
    return forge;
  }

  get githubApiBaseUrl() {
    return `${this.origin}/api/v3`;
  }

  get gitlabApiBaseUrl() {
    return `${this.origin}/api/v4`;
  }

  githubRepo(path: string): FakeRepo {
    if (!this.github.has(path)) this.github.set(path, new FakeRepo());
    return this.github.get(path)!;
  }

  gitlabProject(path: string): FakeRepo {
    if (!this.gitlab.has(path)) this.gitlab.set(path, new FakeRepo());
    return this.gitlab.get(path)!;
  }

  /**
   * The next authenticated call (or the next one `matches` accepts, given
   * its method and path below the API base) answers `response` instead.
   */
  failNext(
    response: FakeResponse,
    matches: (method: string, path: string) => boolean = () => true,
  ): void {
    this.failures.push({ response, matches });
  }

  stop(): Promise<void> {
    return new Promise(resolve => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const authorization = req.headers.authorization;
    this.requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      authorization,
    });
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      segments: segments.slice(2),
      query: url.searchParams,
      body: raw ? JSON.parse(raw) : undefined,
      url,
    };
    const answer = this.answer(
      segments.slice(0, 2).join('/'),
      request,
      authorization,
    );
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      ...answer.headers,
    });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  private answer(
    api: string,
    req: FakeRequest,
    authorization?: string,
  ): FakeResponse {
    const token = /^(?:bearer|token) (.+)$/i.exec(authorization ?? '')?.[1];
    const pageSize = this.options.maxPerPage ?? 100;
    if (api === 'api/v3' && req.segments[0] === 'app')
      return this.githubAppRoute(req, token);
    if (!token || !this.tokens.has(token)) {
      return api === 'api/v3'
        ? { status: 401, body: { message: 'Bad credentials' } }
        : { status: 401, body: { message: '401 Unauthorized' } };
    }
    const path = `/${req.segments.join('/')}`;
    const index = this.failures.findIndex(f => f.matches(req.method, path));
    if (index >= 0) return this.failures.splice(index, 1)[0].response;
    if (api === 'api/v3')
      return handleGithub(this.github, FAKE_GITHUB_HOST, req, pageSize);
    if (api === 'api/v4')
      return handleGitlab(this.gitlab, FAKE_GITLAB_HOST, req, pageSize);
    return { status: 404, body: { message: 'Not Found' } };
  }

  /** GitHub App endpoints: list installations, mint installation tokens. */
  private githubAppRoute(req: FakeRequest, jwt?: string): FakeResponse {
    const app = this.options.githubApp;
    if (!app || !jwt || !validAppJwt(jwt, app.publicKey, app.appId)) {
      return {
        status: 401,
        body: { message: 'A JSON web token could not be decoded' },
      };
    }
    const [, resource, id, action] = req.segments;
    if (req.method === 'GET' && resource === 'installations' && !id) {
      const installations = app.installations.map(i => ({
        id: i.id,
        account: { login: i.owner, type: 'Organization' },
      }));
      return { status: 200, body: installations };
    }
    if (
      req.method === 'POST' &&
      resource === 'installations' &&
      action === 'access_tokens'
    ) {
      if (!app.installations.some(i => String(i.id) === id))
        return { status: 404, body: { message: 'Not Found' } };
      this.installationTokens += 1;
      const token = `ghs_installation_${id}_${this.installationTokens}`;
      this.tokens.add(token);
      const expires = new Date(Date.now() + 3600_000).toISOString();
      return {
        status: 201,
        body: {
          token,
          expires_at: expires,
          repository_selection: 'all',
          permissions: {},
        },
      };
    }
    return { status: 404, body: { message: 'Not Found' } };
  }
}
