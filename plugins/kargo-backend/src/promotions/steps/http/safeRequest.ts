import http, { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { EgressPolicy } from './egressPolicy';
import { normalizeHostname } from './egressRules';

export type HeaderPair = { name: string; value: string };

export type SafeRequest = {
  url: URL;
  method: string;
  headers?: readonly HeaderPair[];
  body?: Buffer;
  insecureSkipTLSVerify?: boolean;
  /** Aborts the request, including any response body still being read. */
  signal: AbortSignal;
};

export type SafeResponse = {
  status: number;
  /** The URL that answered, after redirects. */
  url: URL;
  /** Raw header list [name, value, name, value, …] as received. */
  rawHeaders: string[];
  contentLength?: number;
  body: IncomingMessage;
};

/** Go's net/http client gives up after 10 redirects; so do we. */
const MAX_REDIRECTS = 10;
/** Headers not sent on to a host that is not the original or a subdomain (like Go). */
const SENSITIVE_HEADERS = [
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'cookie',
  'cookie2',
];

function pinnedLookup(egress: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    egress.resolveAllowed(hostname).then(
      resolved => {
        const usable = options.family
          ? resolved.filter(a => a.family === options.family)
          : resolved;
        if (usable.length === 0) {
          const error = Object.assign(
            new Error(
              `${hostname} has no IPv${options.family} address allowed`,
            ),
            { code: 'ENOTFOUND' },
          );
          callback(error, '', 0);
        } else if (options.all) {
          (callback as any)(null, usable);
        } else {
          callback(null, usable[0].address, usable[0].family);
        }
      },
      error => callback(error, '', 0),
    );
  };
}

function toHeaders(pairs: readonly HeaderPair[]): OutgoingHttpHeaders {
  const headers: Record<string, string[]> = {};
  for (const { name, value } of pairs) {
    const key = name.toLowerCase();
    // Like Go, the Host header comes from the URL, never from config.
    if (key === 'host') continue;
    (headers[key] ??= []).push(value);
  }
  if (!headers['user-agent']) headers['user-agent'] = ['kargo-backstage'];
  return headers;
}

function sendOnce(
  request: SafeRequest,
  egress: EgressPolicy,
  headers: OutgoingHttpHeaders,
): Promise<IncomingMessage> {
  egress.checkUrl(request.url);
  const transport = request.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(request.url, {
      method: request.method,
      headers: {
        ...headers,
        ...(request.body ? { 'content-length': request.body.length } : {}),
      },
      // A fresh connection per request: no pooled socket chosen by name.
      agent: false,
      lookup: pinnedLookup(egress),
      rejectUnauthorized: !request.insecureSkipTLSVerify,
      signal: request.signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(request.body);
  });
}

function isSubdomainOrSame(next: string, original: string): boolean {
  const a = normalizeHostname(next);
  const b = normalizeHostname(original);
  return a === b || a.endsWith(`.${b}`);
}

/**
 * Sends an HTTP request through the egress policy: every connection (the
 * first and one per redirect) goes only to an address the policy allowed.
 * Redirects are followed like Go's http.Client does (Kargo's steps use it).
 */
export async function sendSafeRequest(
  request: SafeRequest,
  egress: EgressPolicy,
): Promise<SafeResponse> {
  const original = request.url;
  let current: SafeRequest = request;
  let headers = toHeaders(request.headers ?? []);
  for (let redirects = 0; ; redirects++) {
    const response = await sendOnce(current, egress, headers);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || !location) {
      const length = Number(response.headers['content-length']);
      return {
        status,
        url: current.url,
        rawHeaders: response.rawHeaders,
        contentLength: Number.isFinite(length) ? length : undefined,
        body: response,
      };
    }
    response.resume();
    if (redirects >= MAX_REDIRECTS) {
      throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
    }
    let next: URL;
    try {
      next = new URL(location, current.url);
    } catch {
      throw new Error(`redirected to an invalid URL "${location}"`);
    }
    const keepBody = status === 307 || status === 308;
    const method =
      keepBody || current.method === 'HEAD' ? current.method : 'GET';
    headers = { ...headers };
    if (!keepBody) {
      delete headers['content-type'];
    }
    if (!isSubdomainOrSame(next.hostname, original.hostname)) {
      for (const name of SENSITIVE_HEADERS) delete headers[name];
    }
    current = {
      ...current,
      url: next,
      method,
      body: keepBody ? current.body : undefined,
    };
  }
}
