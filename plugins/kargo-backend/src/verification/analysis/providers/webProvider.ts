import type { AnalysisMetric } from '@kargo-backstage/plugin-kargo-common';
import { goJSON } from '../../../expressions';
import type { EgressPolicy } from '../../../promotions/steps/http/egressPolicy';
import type { HeaderPair } from '../../../promotions/steps/http/safeRequest';
import type { MeasureOutcome, MetricProvider } from '../types';
import { exchange } from './httpExchange';
import { parseJsonPath } from './jsonPath';
import { evaluateJsonPath } from './jsonPathEvaluate';

/*
 * Argo Rollouts' web metric (metricproviders/webmetric): one HTTP request;
 * a 2xx JSON answer is narrowed by `jsonPath` (default `{$}`) to the first
 * value it selects, any other 2xx answer is its text; that is `result`.
 */

/** Rollouts' default when timeoutSeconds is unset or not positive. */
const DEFAULT_TIMEOUT_MS = 10_000;

function headersOf(
  web: NonNullable<AnalysisMetric['provider']['web']>,
): HeaderPair[] {
  // Go's Header.Set: the last value given for a name wins.
  const byName = new Map<string, HeaderPair>();
  for (const { key, value } of web.headers ?? []) {
    byName.set(key.toLowerCase(), { name: key, value });
  }
  if (web.jsonBody !== undefined) {
    byName.set('content-type', {
      name: 'Content-Type',
      value: 'application/json',
    });
  }
  return [...byName.values()];
}

function firstValue(results: unknown[][]): unknown {
  for (const values of results) {
    if (values.length) return values[0];
  }
  throw new Error('result of web metric produced no value');
}

export function createWebProvider(deps: {
  egress: EgressPolicy;
  maxResponseBytes?: number;
}): MetricProvider {
  return {
    name: 'web',
    async measure(metric, { signal }): Promise<MeasureOutcome> {
      const web = metric.provider.web!;
      const method = web.method ?? 'GET';
      const hasJsonBody = web.jsonBody !== undefined;
      if (web.body && hasJsonBody) {
        throw new Error(
          'use either Body or JSONBody; both cannot exists for WebMetric payload',
        );
      }
      if ((web.body || hasJsonBody) && method === 'GET') {
        throw new Error(
          'Body/JSONBody can only be used with POST or PUT WebMetric Method types',
        );
      }
      const path = parseJsonPath(web.jsonPath || '{$}');
      let body: Buffer | undefined;
      if (web.body) body = Buffer.from(web.body, 'utf8');
      if (hasJsonBody) body = Buffer.from(JSON.stringify(web.jsonBody));
      const timeoutMs =
        web.timeoutSeconds && web.timeoutSeconds > 0
          ? web.timeoutSeconds * 1000
          : DEFAULT_TIMEOUT_MS;
      const response = await exchange(
        deps.egress,
        {
          url: web.url,
          method,
          headers: headersOf(web),
          body,
          insecure: web.insecure,
          timeoutMs,
          maxResponseBytes: deps.maxResponseBytes,
        },
        signal,
      );
      if (response.status < 200 || response.status >= 300) {
        throw new Error(`received non 2xx response code: ${response.status}`);
      }
      const text = response.body.toString('utf8');
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        return { value: text, result: text };
      }
      let results: unknown[][];
      try {
        results = evaluateJsonPath(path, data);
      } catch (error) {
        throw new Error(
          `Could not find JSONPath in body: ${(error as Error).message}`,
        );
      }
      const value = firstValue(results);
      return { value: goJSON(value), result: value };
    },
  };
}
