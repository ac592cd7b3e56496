import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/**
 * What the registry client reads of a response: a subset of the fetch
 * `Response`, so an injected `fetch` still fits.
 */
export type RegistryResponse = {
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
  body?: { cancel(): Promise<void> } | null;
};

export type RegistryRequestInit = {
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  redirect?: 'follow';
};

/** A `fetch`-like function the registry client sends its requests through. */
export type RegistryFetch = (
  url: string,
  init: RegistryRequestInit,
) => Promise<RegistryResponse>;

/** Idle keep-alive connections are closed after this long (as undici's). */
const IDLE_TIMEOUT_MS = 4_000;
/** Connections per registry origin (and TLS mode) at most. */
const MAX_SOCKETS = 64;
const MAX_REDIRECTS = 20;
/** A body read past this is cut short (the client then reports it). */
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Unread bodies up to this size are drained so the connection is reused. */
const DRAIN_BYTES = 64 * 1024;

const agentOptions = {
  keepAlive: true,
  timeout: IDLE_TIMEOUT_MS,
  maxSockets: MAX_SOCKETS,
  maxFreeSockets: MAX_SOCKETS,
  scheduling: 'lifo' as const,
};
const agents = {
  http: new http.Agent(agentOptions),
  https: new https.Agent(agentOptions),
  /** `insecureSkipTLSVerify`: a pool of its own, never shared with the above. */
  insecure: new https.Agent({ ...agentOptions, rejectUnauthorized: false }),
};

class ResponseHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
}

class NodeResponse implements RegistryResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: { cancel(): Promise<void> } | null;
  #used = false;

  constructor(
    private readonly res: http.IncomingMessage,
    private readonly maxBodyBytes: number,
    empty: boolean,
  ) {
    this.status = res.statusCode ?? 500;
    this.headers = new ResponseHeaders(res.headers);
    this.body = empty ? null : { cancel: () => this.#cancel() };
    if (empty) res.resume();
  }

  /** The body, cut one byte past the limit (so the caller sees it is too big). */
  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#used || !this.body) {
      return Promise.resolve(new ArrayBuffer(0));
    }
    this.#used = true;
    const res = this.res;
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        let all = Buffer.concat(chunks, size);
        try {
          all = this.#decoded(all);
        } catch (e) {
          reject(e);
          return;
        }
        resolve(
          all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        );
      };
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        const room = this.maxBodyBytes + 1 - size;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          res.destroy();
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', finish);
      res.on('error', e => {
        if (!done) {
          done = true;
          reject(e);
        }
      });
      const cutShort = () => {
        if (!done) {
          done = true;
          reject(new Error('the response was cut short'));
        }
      };
      res.on('aborted', cutShort);
      res.on('close', cutShort);
      if (res.destroyed) cutShort();
    });
  }

  /**
   * No Accept-Encoding is sent, so bodies come as they are; should a server
   * compress anyway, decode it as fetch would (bounded like the body).
   */
  #decoded(body: Buffer): Buffer {
    const encoding = this.headers.get('content-encoding')?.trim().toLowerCase();
    const options = { maxOutputLength: this.maxBodyBytes + 1 };
    if (!encoding || encoding === 'identity') return body;
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      return zlib.gunzipSync(body, options);
    }
    if (encoding === 'deflate') return zlib.inflateSync(body, options);
    if (encoding === 'br') return zlib.brotliDecompressSync(body, options);
    throw new Error(`unsupported content-encoding ${encoding}`);
  }

  /** Drains a small unread body (keeping the connection), else drops it. */
  async #cancel(): Promise<void> {
    if (this.#used) return;
    this.#used = true;
    const length = Number(this.res.headers['content-length']);
    if (length > DRAIN_BYTES) {
      this.res.destroy();
      return;
    }
    if (this.res.destroyed || this.res.readableEnded) return;
    // Resolves once the body is read, so the next request finds the
    // connection free again.
    await new Promise<void>(resolve => {
      let size = 0;
      this.res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > DRAIN_BYTES) this.res.destroy();
      });
      this.res.on('end', resolve);
      this.res.on('close', resolve);
      this.res.on('error', () => resolve());
      this.res.resume();
    });
  }
}

/** The exchange (answer and body) took longer than its `timeoutMs`. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * One `abort` listener per signal however many requests share it (a
 * discovery's 20 HEADs would otherwise trip Node's listener-leak warning).
 */
const abortWatchers = new WeakMap<AbortSignal, Set<() => void>>();

function whenAborted(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = abortWatchers.get(signal);
  if (!callbacks) {
    const set = new Set<() => void>();
    callbacks = set;
    abortWatchers.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const c of [...set]) c();
        set.clear();
      },
      { once: true },
    );
  }
  callbacks.add(callback);
  return () => callbacks!.delete(callback);
}

function abortError(signal: AbortSignal): unknown {
  return (
    signal.reason ??
    Object.assign(new Error('This operation was aborted'), {
      name: 'AbortError',
    })
  );
}

/** One exchange, without redirects; retried once on a stale kept-alive socket. */
function exchange(
  url: URL,
  init: RegistryRequestInit,
  insecure: boolean,
  maxBodyBytes: number,
  timeoutMs: number | undefined,
  retried = false,
): Promise<NodeResponse> {
  const secure = url.protocol === 'https:';
  const method = init.method ?? 'GET';
  return new Promise<NodeResponse>((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    let agent: http.Agent = agents.http;
    if (secure) agent = insecure ? agents.insecure : agents.https;
    const options: https.RequestOptions = {
      method,
      headers: init.headers,
      agent,
    };
    let response: http.IncomingMessage | undefined;
    const req = (secure ? https : http).request(url, options, res => {
      response = res;
      const status = res.statusCode ?? 500;
      resolve(
        new NodeResponse(
          res,
          maxBodyBytes,
          method === 'HEAD' || status === 204 || status === 304,
        ),
      );
    });
    if (signal) {
      const stop = whenAborted(signal, () => {
        const err = abortError(signal) as Error;
        if (response) response.destroy(err);
        else req.destroy(err);
      });
      req.once('close', stop);
    }
    if (timeoutMs) {
      // Until the body is read (or dropped): the request then closes. A
      // body nobody reads is dropped with its connection when time is up.
      const timer = setTimeout(() => {
        const err = new TimeoutError(timeoutMs);
        if (response) response.destroy(err);
        else req.destroy(err);
      }, timeoutMs);
      timer.unref();
      req.once('close', () => clearTimeout(timer));
    }
    req.on('error', err => {
      if (err instanceof TimeoutError) {
        reject(err);
        return;
      }
      // A kept-alive connection the server closed meanwhile: reconnect once
      // (idempotent requests only, as Node's documentation advises).
      const code = (err as NodeJS.ErrnoException).code;
      if (
        !retried &&
        req.reusedSocket &&
        !signal?.aborted &&
        (method === 'GET' || method === 'HEAD') &&
        (code === 'ECONNRESET' || code === 'EPIPE')
      ) {
        exchange(url, init, insecure, maxBodyBytes, timeoutMs, true).then(
          resolve,
          reject,
        );
        return;
      }
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      // As fetch: a TypeError whose cause says what went wrong.
      reject(new TypeError('fetch failed', { cause: err }));
    });
    req.end();
  });
}

/**
 * The registry client's default transport: Node's http/https with
 * keep-alive agents shared by the process. Unlike Node's `fetch` (undici),
 * which closes the connection after every HEAD, manifest HEADs reuse their
 * connections, so a re-check's digest HEADs need no new TCP (or TLS)
 * handshakes. Follows redirects as fetch does (dropping `authorization`
 * when the origin changes); bodies are read up to `maxBodyBytes` + 1 bytes.
 * `insecureSkipTLSVerify` requests use a pool of their own.
 */
export async function nodeFetch(
  url: string,
  init: RegistryRequestInit,
  options: {
    insecureSkipTLSVerify?: boolean;
    maxBodyBytes?: number;
    /** Per exchange (each redirect hop), answer and body; rejects with {@link TimeoutError}. */
    timeoutMs?: number;
  } = {},
): Promise<RegistryResponse> {
  let target = new URL(url);
  let headers = { ...init.headers };
  let method = init.method ?? 'GET';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  for (let hop = 0; ; hop++) {
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new TypeError('fetch failed', {
        cause: new Error(`unsupported protocol ${target.protocol}`),
      });
    }
    const res = await exchange(
      target,
      { ...init, method, headers },
      !!options.insecureSkipTLSVerify,
      maxBodyBytes,
      options.timeoutMs,
    );
    const location = res.headers.get('location');
    if (
      init.redirect === 'follow' &&
      location &&
      [301, 302, 303, 307, 308].includes(res.status)
    ) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) {
        throw new TypeError('fetch failed', {
          cause: new Error('redirect count exceeded'),
        });
      }
      const next = new URL(location, target);
      if (next.origin !== target.origin) {
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      if (res.status === 303 && method !== 'HEAD') method = 'GET';
      target = next;
      continue;
    }
    return res;
  }
}

/**
 * Closes the idle kept-alive connections of the default transport (as an
 * idle timeout would), e.g. for a benchmark of a poll minutes after the last.
 */
export function closeIdleConnections(): void {
  for (const agent of Object.values(agents)) {
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of sockets ?? []) socket.destroy();
    }
  }
}
