import { withDeadline } from '../../../promotions/steps/http/deadline';
import type { EgressPolicy } from '../../../promotions/steps/http/egressPolicy';
import { readBounded } from '../../../promotions/steps/http/responseBody';
import {
  HeaderPair,
  sendSafeRequest,
} from '../../../promotions/steps/http/safeRequest';

/*
 * One HTTP request of a metric provider, through the promotion steps'
 * egress policy (so verification reaches only what promotions may reach),
 * with a deadline over the whole exchange and a bound on the body read.
 */

/** Responses larger than this are an error (Rollouts reads without limit). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 << 20;

export type ExchangeRequest = {
  url: string;
  method: string;
  headers?: readonly HeaderPair[];
  body?: Buffer;
  insecure?: boolean;
  timeoutMs: number;
  maxResponseBytes?: number;
};

export type ExchangeResponse = { status: number; body: Buffer };

export async function exchange(
  egress: EgressPolicy,
  request: ExchangeRequest,
  signal: AbortSignal,
): Promise<ExchangeResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new Error(`invalid URL ${JSON.stringify(request.url)}`);
  }
  const what = `${request.method} ${url.origin}${url.pathname}`;
  return withDeadline(signal, request.timeoutMs, what, async deadline => {
    const response = await sendSafeRequest(
      {
        url,
        method: request.method,
        headers: request.headers,
        body: request.body,
        insecureSkipTLSVerify: request.insecure,
        signal: deadline,
      },
      egress,
    );
    const body = await readBounded(
      response.body,
      request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      response.contentLength,
    );
    return { status: response.status, body };
  });
}
