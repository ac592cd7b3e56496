import type { EgressPolicy } from '../../../promotions/steps/http/egressPolicy';
import type { MetricProvider } from '../types';
import { createPrometheusProvider } from './prometheusProvider';
import { createWebProvider } from './webProvider';

export { createPrometheusProvider } from './prometheusProvider';
export { createWebProvider } from './webProvider';
export { parseJsonPath } from './jsonPath';
export { evaluateJsonPath } from './jsonPathEvaluate';

/**
 * The providers this suite runs, `web` and `prometheus`; every request goes
 * through `egress` (the promotion steps' policy, `kargo.promotions.egress`).
 */
export function createMetricProviders(deps: {
  egress: EgressPolicy;
  /** Largest response read (default 10 MiB). */
  maxResponseBytes?: number;
}): MetricProvider[] {
  return [createWebProvider(deps), createPrometheusProvider(deps)];
}
