import type { AnalysisMetric } from '@kargo-backstage/plugin-kargo-common';
import type { EgressPolicy } from '../../../promotions/steps/http/egressPolicy';
import type { HeaderPair } from '../../../promotions/steps/http/safeRequest';
import type { MeasureOutcome, MetricProvider } from '../types';
import { exchange } from './httpExchange';
import { queryResult } from './prometheusResults';

/*
 * Argo Rollouts' prometheus metric: an instant query against the HTTP API
 * (`/api/v1/query`), as the Prometheus Go client sends it (a form POST,
 * falling back to GET when the server refuses POST). A scalar is `result`
 * as a number, a vector (or matrix) as the array of its sample values.
 */

/** Rollouts' default query timeout. */
const DEFAULT_TIMEOUT_MS = 30_000;

type PrometheusConfig = NonNullable<AnalysisMetric['provider']['prometheus']>;

function queryUrl(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error('prometheus address is not in URL format');
  }
  if (!url.host) throw new Error('prometheus address is not in URL format');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  return url;
}

function headersOf(prom: PrometheusConfig): HeaderPair[] {
  const headers = (prom.headers ?? []).map(h => ({
    name: h.key,
    value: h.value,
  }));
  const basic = prom.authentication?.basicAuth;
  if (basic && (basic.username || basic.password)) {
    if (!basic.username || !basic.password) {
      throw new Error(
        `missing mandatory parameter in metric for basic auth setup: ${
          basic.username ? 'password' : 'username'
        }`,
      );
    }
    const token = Buffer.from(`${basic.username}:${basic.password}`);
    headers.push({
      name: 'Authorization',
      value: `Basic ${token.toString('base64')}`,
    });
  }
  return headers;
}

/** The API's error types for status codes that carry no API answer. */
function httpError(status: number): Error {
  return status >= 500
    ? new Error(`server_error: server error: ${status}`)
    : new Error(`client_error: client error: ${status}`);
}

export function createPrometheusProvider(deps: {
  egress: EgressPolicy;
  maxResponseBytes?: number;
}): MetricProvider {
  return {
    name: 'prometheus',
    metadata: metric => {
      const query = metric.provider.prometheus?.query;
      return query ? { ResolvedPrometheusQuery: query } : undefined;
    },
    async measure(metric, { signal }): Promise<MeasureOutcome> {
      const prom = metric.provider.prometheus!;
      if (!prom.address)
        throw new Error('prometheus address is not configured');
      if (prom.timeout !== undefined && prom.timeout < 0) {
        throw new Error('prometheus timeout should not be negative');
      }
      const url = queryUrl(prom.address);
      const base = {
        headers: headersOf(prom),
        insecure: prom.insecure,
        timeoutMs: prom.timeout ? prom.timeout * 1000 : DEFAULT_TIMEOUT_MS,
        maxResponseBytes: deps.maxResponseBytes,
      };
      const form = new URLSearchParams({ query: prom.query });
      let response = await exchange(
        deps.egress,
        {
          ...base,
          url: url.href,
          method: 'POST',
          headers: [
            ...base.headers,
            {
              name: 'Content-Type',
              value: 'application/x-www-form-urlencoded',
            },
          ],
          body: Buffer.from(form.toString()),
        },
        signal,
      );
      if (response.status === 405 || response.status === 501) {
        const get = new URL(url);
        get.search = form.toString();
        response = await exchange(
          deps.egress,
          { ...base, url: get.href, method: 'GET' },
          signal,
        );
      }
      // 400, 422 and 503 carry the API's own error answer.
      const apiAnswer = [400, 422, 503].includes(response.status);
      if ((response.status < 200 || response.status >= 300) && !apiAnswer) {
        throw httpError(response.status);
      }
      let answer: any;
      try {
        answer = JSON.parse(response.body.toString('utf8'));
      } catch (error) {
        throw new Error(`bad_response: ${(error as Error).message}`);
      }
      if (answer?.status === 'error') {
        throw new Error(`${answer.errorType}: ${answer.error}`);
      }
      if (apiAnswer) throw httpError(response.status);
      const { result, value } = queryResult(answer?.data);
      const warnings: string[] = Array.isArray(answer?.warnings)
        ? answer.warnings
        : [];
      return {
        value,
        result,
        ...(warnings.length
          ? {
              metadata: {
                warnings: warnings.map(w => `"${w}"`).join(', '),
              },
            }
          : {}),
      };
    },
  };
}
