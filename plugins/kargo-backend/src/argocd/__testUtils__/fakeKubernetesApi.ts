import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { matchesLabelSelector, mergePatch } from './apiServerSemantics';

type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** A request the fake saw, for assertions. */
export type SeenRequest = {
  method: string;
  path: string;
  query: string;
  contentType?: string;
  authorized: boolean;
};

const PLURALS: Record<string, string> = {
  Application: 'applications',
  Event: 'events',
};

// `/apis/<group>/<version>/...` or the core group's `/api/v1/...`.
const PATH =
  /^\/(?:apis\/([^/]+)\/([^/]+)|api\/(v1))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/;

/**
 * An in-process stand-in for a Kubernetes API server on 127.0.0.1, enough
 * for @kubernetes/client-node's CustomObjectsApi and CoreV1Api: namespaced
 * get, list (with labelSelector), create, replace (409 on a stale
 * resourceVersion), merge patch and delete, behind a bearer token. No
 * watches, no JSON Patch: the Argo CD client uses neither, and asking for
 * them fails loudly.
 */
export class FakeKubernetesApi {
  readonly requests: SeenRequest[] = [];
  private readonly collections = new Map<string, Map<string, KubeObject>>();
  private readonly listeners: Array<(object: KubeObject) => void> = [];
  private readonly hooks: Array<{ method: string; run: () => void }> = [];
  private version = 100;
  private server!: http.Server;
  url = '';

  constructor(
    private readonly options: {
      token?: string;
      tls?: { key: string; cert: string };
    } = {},
  ) {}

  static async start(options: FakeKubernetesApi['options'] = {}) {
    const api = new FakeKubernetesApi(options);
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      api.handle(req, res).catch(error => {
        // A fake that cannot answer must say why, not leave the client hanging.
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake Kubernetes API: ${error}`);
      });
    api.server = options.tls
      ? https.createServer(options.tls, handler)
      : http.createServer(handler);
    await new Promise<void>(resolve =>
      api.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = api.server.address() as AddressInfo;
    api.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return api;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  /** Creates or replaces an object as if some other client wrote it. */
  put<T extends KubeObject>(object: T): T {
    const plural = PLURALS[object.kind ?? ''];
    if (!plural) throw new Error(`the fake knows no plural for ${object.kind}`);
    const key = this.key(
      object.apiVersion!,
      object.metadata.namespace!,
      plural,
    );
    const existing = this.collection(key).get(object.metadata.name);
    return this.store(key, structuredClone(object), existing) as T;
  }

  /** A copy of a stored object, or undefined. */
  get<T = KubeObject>(kind: string, namespace: string, name: string) {
    return this.list<T>(kind, namespace).find(
      o => (o as KubeObject).metadata.name === name,
    );
  }

  /** Copies of the stored objects of a kind, in one namespace or all. */
  list<T = KubeObject>(kind: string, namespace?: string): T[] {
    return [...this.collections.entries()]
      .filter(([key]) => {
        const [, ns, plural] = key.split('|');
        return plural === PLURALS[kind] && (namespace ?? ns) === ns;
      })
      .flatMap(([, items]) => [...items.values()])
      .map(o => structuredClone(o) as T);
  }

  /** Called after every write (through HTTP or `put`). */
  onChange(listener: (object: KubeObject) => void) {
    this.listeners.push(listener);
  }

  /** Runs `run` just before the next `method` request is handled. */
  beforeNext(method: string, run: () => void) {
    this.hooks.push({ method, run });
  }

  private key(apiVersion: string, namespace: string, plural: string) {
    return `${apiVersion}|${namespace}|${plural}`;
  }

  private collection(key: string) {
    let items = this.collections.get(key);
    if (!items) this.collections.set(key, (items = new Map()));
    return items;
  }

  private store(key: string, object: KubeObject, existing?: KubeObject) {
    object.metadata.resourceVersion = String(++this.version);
    object.metadata.uid =
      existing?.metadata.uid ?? object.metadata.uid ?? randomUUID();
    object.metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ?? new Date().toISOString();
    this.collection(key).set(object.metadata.name, object);
    for (const listener of this.listeners) listener(structuredClone(object));
    return structuredClone(object);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorized =
      !this.options.token ||
      req.headers.authorization === `Bearer ${this.options.token}`;
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    this.requests.push({
      method,
      path: url.pathname,
      query: url.search,
      contentType,
      authorized,
    });
    const hook = this.hooks.findIndex(h => h.method === method);
    if (hook >= 0) this.hooks.splice(hook, 1)[0].run();
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fail = (code: number, reason: string, message: string) =>
      send(code, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason,
        code,
      });
    if (!authorized) return fail(401, 'Unauthorized', 'Unauthorized');
    const match = PATH.exec(url.pathname);
    if (!match)
      return fail(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    if (url.searchParams.get('watch')) {
      return fail(501, 'NotImplemented', 'the fake does not serve watches');
    }
    const [, group, groupVersion, coreVersion, namespace, plural, name] = match;
    const apiVersion = group ? `${group}/${groupVersion}` : coreVersion;
    const resource = group ? `${plural}.${group}` : plural;
    const items = this.collection(this.key(apiVersion, namespace, plural));
    const key = this.key(apiVersion, namespace, plural);
    const existing = name ? items.get(name) : undefined;
    const notFound = () =>
      fail(404, 'NotFound', `${resource} "${name}" not found`);
    const body = chunks.length
      ? JSON.parse(Buffer.concat(chunks).toString('utf8'))
      : undefined;

    if (method === 'GET' && !name) {
      const selector = url.searchParams.get('labelSelector') ?? '';
      return send(200, {
        apiVersion,
        kind: 'List',
        metadata: { resourceVersion: String(this.version) },
        items: [...items.values()].filter(o =>
          matchesLabelSelector(o.metadata.labels ?? {}, selector),
        ),
      });
    }
    if (method === 'GET') return existing ? send(200, existing) : notFound();
    if (method === 'POST' && !name) {
      const created = body as KubeObject;
      created.metadata.namespace = namespace;
      if (items.has(created.metadata.name)) {
        return fail(
          409,
          'AlreadyExists',
          `${resource} "${created.metadata.name}" already exists`,
        );
      }
      return send(201, this.store(key, created));
    }
    if (!existing) return notFound();
    if (method === 'PUT') {
      const next = body as KubeObject;
      const expected = next.metadata?.resourceVersion;
      if (expected && expected !== existing.metadata.resourceVersion) {
        return fail(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      next.metadata.namespace = namespace;
      return send(200, this.store(key, next, existing));
    }
    if (method === 'PATCH') {
      if (contentType !== 'application/merge-patch+json') {
        return fail(
          415,
          'UnsupportedMediaType',
          `the fake only takes merge patches, not ${contentType}`,
        );
      }
      const patched = mergePatch(existing, body) as KubeObject;
      return send(200, this.store(key, patched, existing));
    }
    if (method === 'DELETE') {
      items.delete(name);
      return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    return fail(405, 'MethodNotAllowed', `${method} is not supported`);
  }
}
