import type { AnalysisMetric } from '@kargo-backstage/plugin-kargo-common';
import { compileGoRegex } from '@kargo-backstage/plugin-kargo-common';
import { redact } from './args';
import { assessMeasurement } from './conditions';
import type {
  AnalysisRun,
  Measurement,
  MeasurementRetention,
  MetricProvider,
  MetricResult,
} from './types';
import { isCompleted } from './types';

/*
 * One measurement of one metric, and its bookkeeping in the metric's
 * result (Rollouts' runMeasurements and garbageCollectMeasurements).
 */

/** Rollouts' DefaultMeasurementHistoryLimit. */
export const MEASUREMENT_HISTORY_LIMIT = 10;

const iso = (ms: number) => new Date(ms).toISOString();

/** The key under `provider` a metric uses (`web`, `prometheus`, …). */
export function providerKey(metric: AnalysisMetric): string | undefined {
  return Object.entries(metric.provider).find(([, v]) => v !== undefined)?.[0];
}

/**
 * Measures `metric` (its arguments substituted) with the provider for it.
 * Never throws: what goes wrong is an Error measurement.
 */
export async function takeMeasurement(
  metric: AnalysisMetric,
  providers: readonly MetricProvider[],
  clock: () => number,
  signal: AbortSignal,
): Promise<{ measurement: Measurement; provider?: MetricProvider }> {
  const measurement: Measurement = {
    phase: 'Running',
    startedAt: iso(clock()),
  };
  const key = providerKey(metric);
  const provider = providers.find(p => p.name === key);
  try {
    if (!provider) {
      throw new Error(`no metric provider "${key}" runs here`);
    }
    const outcome = await provider.measure(metric, { signal });
    const phase = outcome.phase ?? assessMeasurement(outcome.result, metric);
    Object.assign(measurement, {
      phase,
      value: outcome.value,
      ...(outcome.message ? { message: outcome.message } : {}),
      ...(outcome.metadata ? { metadata: outcome.metadata } : {}),
    });
  } catch (error) {
    signal.throwIfAborted();
    measurement.phase = 'Error';
    measurement.message = (error as Error)?.message ?? String(error);
  }
  measurement.finishedAt = iso(clock());
  return { measurement, provider };
}

function emptyResult(name: string): MetricResult {
  return {
    name,
    phase: 'Running',
    measurements: [],
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
  };
}

/** Appends a completed measurement to the metric's result, counting it. */
export function recordMeasurement(
  run: AnalysisRun,
  metric: AnalysisMetric,
  taken: { measurement: Measurement; provider?: MetricProvider },
  secrets: readonly string[],
): void {
  const { measurement, provider } = taken;
  let result = run.status.metricResults.find(r => r.name === metric.name);
  if (!result) {
    result = emptyResult(metric.name);
    const metadata = provider?.metadata?.(metric);
    if (metadata) {
      result.metadata = Object.fromEntries(
        Object.entries(metadata).map(([k, v]) => [k, redact(v, secrets)]),
      );
    }
    run.status.metricResults.push(result);
  }
  if (isCompleted(measurement.phase)) {
    if (measurement.phase === 'Error') {
      result.error++;
      result.consecutiveError++;
    } else {
      result.count++;
      result.consecutiveError = 0;
      if (measurement.phase === 'Successful') result.successful++;
      if (measurement.phase === 'Failed') result.failed++;
      if (measurement.phase === 'Inconclusive') result.inconclusive++;
    }
    result.consecutiveSuccess =
      measurement.phase === 'Successful' ? result.consecutiveSuccess + 1 : 0;
  }
  if (measurement.message) {
    measurement.message = redact(measurement.message, secrets);
  }
  result.measurements.push(measurement);
}

/** Keeps each metric's newest measurements (10, or its retention rule). */
export function trimMeasurements(
  run: AnalysisRun,
  rules: readonly MeasurementRetention[] = [],
): void {
  const compiled = rules.map(rule => ({
    pattern: compileGoRegex(rule.metricName),
    limit: rule.limit,
  }));
  for (const result of run.status.metricResults) {
    // As in Rollouts, the last rule matching the metric's name applies.
    const rule = compiled.filter(r => r.pattern.test(result.name)).pop();
    const limit =
      rule && rule.limit > 0 ? rule.limit : MEASUREMENT_HISTORY_LIMIT;
    if (result.measurements.length > limit) {
      result.measurements = result.measurements.slice(-limit);
    }
  }
}
