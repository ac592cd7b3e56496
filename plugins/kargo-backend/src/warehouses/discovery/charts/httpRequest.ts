import http from 'node:http';
import https from 'node:https';
import { DiscoveryError } from '../types';

/** A finished HTTP exchange; the body is read only for the statuses asked. */
export type HttpResponse = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
};

export type HttpRequestOptions = {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  insecureSkipTLSVerify?: boolean;
  /** Until the response headers arrive, and then between body chunks. */
  timeoutMs: number;
  /** Bodies larger than this fail with InvalidResponse. */
  maxBodyBytes: number;
  signal?: AbortSignal;
  /** How to name the target in error messages (no secrets). */
  describe: string;
};

/** The connection failed because the server speaks plain HTTP, not TLS. */
export class PlainHttpServerError extends DiscoveryError {}

const PLAIN_HTTP_TLS_ERROR =
  /wrong version number|packet length too long|http request/i;

/**
 * One HTTP(S) request with node:http, so that TLS verification can be turned
 * off per request (`insecureSkipTLSVerify`), with a header/idle timeout, a
 * body size bound and cancellation. Network failures become DiscoveryErrors.
 */
export function httpRequest(
  url: URL,
  options: HttpRequestOptions,
): Promise<HttpResponse> {
  const { describe } = options;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(
        new DiscoveryError('Timeout', `request to ${describe} was cancelled`),
      );
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    let settled = false;
    let req: http.ClientRequest | undefined = undefined;
    let onAbort: () => void = () => {};
    const cleanup = () => options.signal?.removeEventListener('abort', onAbort);
    const fail = (err: DiscoveryError) => {
      if (settled) return;
      settled = true;
      cleanup();
      req?.destroy();
      reject(err);
    };
    onAbort = () =>
      fail(
        new DiscoveryError('Timeout', `request to ${describe} was cancelled`),
      );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req = lib.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { 'user-agent': 'kargo-backstage', ...options.headers },
        ...(url.protocol === 'https:'
          ? { rejectUnauthorized: !options.insecureSkipTLSVerify }
          : {}),
        timeout: options.timeoutMs,
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
          fail(
            new DiscoveryError(
              'InvalidResponse',
              `${describe} is larger than ${options.maxBodyBytes} bytes (${declared})`,
            ),
          );
          return;
        }
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBodyBytes) {
            fail(
              new DiscoveryError(
                'InvalidResponse',
                `${describe} is larger than ${options.maxBodyBytes} bytes`,
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', e => fail(networkError(e, describe)));
        res.on('aborted', () =>
          fail(
            new DiscoveryError(
              'Unreachable',
              `connection to ${describe} closed before the response was complete`,
            ),
          ),
        );
        res.on('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('timeout', () =>
      fail(
        new DiscoveryError(
          'Timeout',
          `${describe} did not answer within ${options.timeoutMs} ms`,
        ),
      ),
    );
    req.on('error', e => fail(networkError(e, describe)));
    req.end();
  });
}

/** Maps a socket/TLS error to a DiscoveryError without leaking URLs' secrets. */
export function networkError(err: unknown, describe: string): DiscoveryError {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  const message = String(e?.message ?? err);
  if (code === 'EPROTO' && PLAIN_HTTP_TLS_ERROR.test(message)) {
    return new PlainHttpServerError(
      'Unreachable',
      `${describe} answers plain HTTP, not HTTPS: use an http:// URL`,
      { cause: err },
    );
  }
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ERR_TLS/.test(
      code,
    )
  ) {
    return new DiscoveryError(
      'Unreachable',
      `TLS certificate of ${describe} is not trusted (${code}): install a trusted certificate, or set insecureSkipTLSVerify on the subscription`,
      { cause: err },
    );
  }
  if (code === 'ETIMEDOUT') {
    return new DiscoveryError('Timeout', `${describe} timed out (${code})`, {
      cause: err,
    });
  }
  const detail = code || message;
  return new DiscoveryError(
    'Unreachable',
    `cannot reach ${describe} (${detail}): check the URL and that the server is up and reachable from Backstage`,
    { cause: err },
  );
}

/** A URL for messages: no user info, no query (tokens hide there). */
export function displayURL(url: URL | string): string {
  try {
    const u = new URL(String(url));
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
