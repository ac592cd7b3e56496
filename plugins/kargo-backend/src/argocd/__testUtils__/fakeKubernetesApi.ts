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

/** Changes kept for resuming watches, as etcd keeps a compaction window. */
const MAX_CHANGES = 10_000;

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change as a watch delivers it, kept for watches that resume. */
type Change = {
  version: number;
  collection: string;
  type: WatchEventType;
  object: KubeObject;
};

type Watcher = {
  collection: string;
  send: (type: string, object: unknown) => void;
  end: () => void;
};

/**
 * An in-process stand-in for a Kubernetes API server on 127.0.0.1, enough
 * for @kubernetes/client-node's CustomObjectsApi, CoreV1Api and Watch:
 * namespaced get, list (with labelSelector), create, replace (409 on a
 * stale resourceVersion), merge patch, delete, and watches of a namespaced
 * collection (from a resourceVersion, or a fresh list as ADDED events; 410
 * Gone once that version was compacted away), behind a bearer token. No
 * JSON Patch: the Argo CD client does not use it, and asking for it fails
 * loudly.
 */
export class FakeKubernetesApi {
  readonly requests: SeenRequest[] = [];
  private readonly collections = new Map<string, Map<string, KubeObject>>();
  private readonly listeners: Array<(object: KubeObject) => void> = [];
  private readonly hooks: Array<{ method: string; run: () => void }> = [];
  private version = 100;
  private readonly changes: Change[] = [];
  /** Changes up to this version are forgotten (watches from older get 410). */
  private compactedTo = 100;
  private readonly watchers = new Set<Watcher>();
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
    this.closeWatches();
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

  /** Open watches (of any collection). */
  get openWatches(): number {
    return this.watchers.size;
  }

  /** Ends every open watch, as an API server does at its watch timeout. */
  closeWatches() {
    for (const watcher of [...this.watchers]) watcher.end();
  }

  /** Forgets past changes: a watch resuming from any version so far gets 410 Gone. */
  compact() {
    this.changes.length = 0;
    this.compactedTo = this.version + 1;
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
    this.emit(key, existing ? 'MODIFIED' : 'ADDED', object);
    for (const listener of this.listeners) listener(structuredClone(object));
    return structuredClone(object);
  }

  private emit(collection: string, type: WatchEventType, object: KubeObject) {
    const change = {
      version: Number(object.metadata.resourceVersion),
      collection,
      type,
      object: structuredClone(object),
    };
    this.changes.push(change);
    if (this.changes.length > MAX_CHANGES) {
      this.compactedTo = this.changes.shift()!.version;
    }
    for (const watcher of this.watchers) {
      if (watcher.collection === collection) watcher.send(type, change.object);
    }
  }

  /** A watch: a stream of JSON lines, one event each, until either side ends. */
  private watch(collection: string, from: string | null, res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'application/json' });
    const watcher: Watcher = {
      collection,
      send: (type, object) =>
        res.write(`${JSON.stringify({ type, object })}\n`),
      end: () => {
        this.watchers.delete(watcher);
        res.end();
      },
    };
    if (from && Number(from) < this.compactedTo) {
      watcher.send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: `too old resource version: ${from} (${this.compactedTo})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    if (from) {
      for (const change of this.changes) {
        if (change.collection === collection && change.version > Number(from)) {
          watcher.send(change.type, change.object);
        }
      }
    } else {
      for (const object of this.collection(collection).values()) {
        watcher.send('ADDED', object);
      }
    }
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
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
    const [, group, groupVersion, coreVersion, namespace, plural, name] = match;
    const apiVersion = group ? `${group}/${groupVersion}` : coreVersion;
    const resource = group ? `${plural}.${group}` : plural;
    const key = this.key(apiVersion, namespace, plural);
    const items = this.collection(key);
    if (url.searchParams.get('watch') === 'true') {
      if (method !== 'GET' || name) {
        return fail(405, 'MethodNotAllowed', 'watch a collection with GET');
      }
      return this.watch(key, url.searchParams.get('resourceVersion'), res);
    }
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
      existing.metadata.resourceVersion = String(++this.version);
      this.emit(key, 'DELETED', existing);
      return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    return fail(405, 'MethodNotAllowed', `${method} is not supported`);
  }
}
