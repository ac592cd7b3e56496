import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A forge answered with a status outside 2xx. */
export class ForgeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    /** The forge's own explanation (`message`, `error`), if it gave one. */
    readonly detail: string,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`${method} ${url}: HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'ForgeHttpError';
  }
}

export type ForgeResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
};

export type ForgeRequest = {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  insecureSkipTLSVerify?: boolean;
  signal: AbortSignal;
};

/** Forge answers are small JSON documents; refuse anything absurd. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** One forge call; the step's own timeout bounds the whole step. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The forge's explanation from a JSON error body (GitHub and GitLab forms). */
function explain(body: unknown, raw: string): string {
  if (body && typeof body === 'object') {
    const { message, error, errors } = body as Record<string, unknown>;
    const text = message ?? error;
    let detail = typeof text === 'string' ? text : JSON.stringify(text ?? '');
    // GitHub's 422s put the useful part in `errors[].message`.
    if (Array.isArray(errors)) {
      const reasons = errors
        .map(e => (e as { message?: unknown })?.message)
        .filter((m): m is string => typeof m === 'string');
      if (reasons.length > 0) detail = `${detail} (${reasons.join('; ')})`;
    }
    if (detail && detail !== '""') return detail;
  }
  return raw.slice(0, 300);
}

/**
 * One JSON request to a forge API over node:http(s), so that
 * `insecureSkipTLSVerify` can turn certificate checks off for this request
 * alone (global fetch cannot). Non-2xx answers throw ForgeHttpError.
 */
export function forgeRequest(options: ForgeRequest): Promise<ForgeResponse> {
  const { method, url, body, signal } = options;
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': 'kargo-backstage',
    ...options.headers,
  };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method,
        headers,
        signal,
        timeout: REQUEST_TIMEOUT_MS,
        rejectUnauthorized: !options.insecureSkipTLSVerify,
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(
              new Error(`${method} ${url}: response larger than 16 MiB`),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = raw ? JSON.parse(raw) : undefined;
          } catch {
            parsed = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(
              new ForgeHttpError(
                status,
                method,
                url,
                explain(parsed, raw),
                res.headers,
              ),
            );
            return;
          }
          if (raw && parsed === undefined) {
            reject(new Error(`${method} ${url}: the answer is not JSON`));
            return;
          }
          resolve({ status, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new Error(`${method} ${url}: no answer in ${REQUEST_TIMEOUT_MS} ms`),
      ),
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The `rel="next"` target of a Link header (GitHub and GitLab paginate so). */
export function nextPageUrl(headers: IncomingHttpHeaders): string | undefined {
  const link = headers.link;
  if (typeof link !== 'string') return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}
