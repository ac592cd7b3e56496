import type { IncomingHttpHeaders } from 'node:http';
import { forgeRequest, nextPageUrl, type ForgeResponse } from './forgeHttp';

/** How to reach one forge API: base URL, auth headers, TLS choice, abort. */
export type ForgeApiOptions = {
  apiBaseUrl: string;
  authHeaders: Record<string, string>;
  insecureSkipTLSVerify: boolean;
  signal: AbortSignal;
};

/** Thin JSON helper bound to one forge API base URL. */
export class ForgeApi {
  constructor(private readonly options: ForgeApiOptions) {}

  private url(pathAndQuery: string): string {
    return `${this.options.apiBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
  }

  async call(
    method: 'GET' | 'POST' | 'PUT',
    pathAndQuery: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ForgeResponse> {
    return this.send(method, this.url(pathAndQuery), body, extraHeaders);
  }

  private send(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body: unknown,
    extraHeaders: Record<string, string>,
  ): Promise<ForgeResponse> {
    return forgeRequest({
      method,
      url,
      body,
      headers: { ...extraHeaders, ...this.options.authHeaders },
      insecureSkipTLSVerify: this.options.insecureSkipTLSVerify,
      signal: this.options.signal,
    });
  }

  /**
   * Every item of a paginated GET, following `Link: rel="next"` only while
   * it stays on the API's own origin (the credentials go with each page).
   */
  async all<T>(
    pathAndQuery: string,
    extraHeaders: Record<string, string> = {},
    maxPages = 50,
  ): Promise<T[]> {
    const origin = new URL(this.url('/')).origin;
    const items: T[] = [];
    let url: string | undefined = this.url(pathAndQuery);
    for (let page = 0; url && page < maxPages; page++) {
      const response = await this.send('GET', url, undefined, extraHeaders);
      if (Array.isArray(response.body)) items.push(...(response.body as T[]));
      url = nextOnSameOrigin(response.headers, origin);
    }
    return items;
  }
}

function nextOnSameOrigin(
  headers: IncomingHttpHeaders,
  origin: string,
): string | undefined {
  const next = nextPageUrl(headers);
  if (!next) return undefined;
  try {
    return new URL(next).origin === origin ? next : undefined;
  } catch {
    return undefined;
  }
}
