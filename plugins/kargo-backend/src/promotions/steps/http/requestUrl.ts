import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import type { HeaderPair } from './safeRequest';

/**
 * The request URL with `queryParams` added. Like Go's url.Values.Encode
 * (which Kargo uses), adding parameters re-encodes the whole query with
 * keys sorted; without any, the URL's query is left exactly as written.
 */
export function requestUrl(
  url: string,
  queryParams: readonly HeaderPair[] | undefined,
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TerminalStepError(`url: "${url}" is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TerminalStepError(
      `url: only http and https URLs are supported, not "${parsed.protocol}"`,
    );
  }
  if (queryParams?.length) {
    const query = new URLSearchParams(parsed.search);
    for (const { name, value } of queryParams) query.append(name, value);
    query.sort();
    parsed.search = query.toString();
  }
  return parsed;
}

/** The URL without its query and credentials, for logs and messages. */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
