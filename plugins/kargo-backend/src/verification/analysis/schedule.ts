import {
  AnalysisMetric,
  parseRolloutsDuration,
} from '@kargo-backstage/plugin-kargo-common';
import { effectiveCount } from './assess';
import type { AnalysisRun, Measurement, MetricResult } from './types';
import { isCompleted } from './types';

/*
 * When each metric is measured (Rollouts' generateMetricTasks and
 * calculateNextReconcileTime): first after its initialDelay, then every
 * interval until its count is reached; after an error, again in 10s.
 */

/** Rollouts' DefaultErrorRetryInterval. */
export const ERROR_RETRY_INTERVAL_MS = 10_000;

const resultOf = (run: AnalysisRun, name: string): MetricResult | undefined =>
  run.status.metricResults.find(r => r.name === name);

const lastOf = (result?: MetricResult): Measurement | undefined =>
  result?.measurements[result.measurements.length - 1];

const ms = (duration: string | undefined) =>
  duration ? parseRolloutsDuration(duration) : undefined;

/**
 * When a metric is next due (epoch ms), or undefined when it needs no more
 * measurements (completed, count reached) or cannot be scheduled.
 */
function dueAt(run: AnalysisRun, metric: AnalysisMetric): number | undefined {
  const result = resultOf(run, metric.name);
  if (isCompleted(result?.phase)) return undefined;
  const last = lastOf(result);
  if (!last) {
    if (!metric.initialDelay) return Date.parse(run.status.startedAt!);
    const delay = ms(metric.initialDelay);
    return delay === undefined
      ? undefined
      : Date.parse(run.status.startedAt!) + delay;
  }
  const count = effectiveCount(metric);
  if (count !== undefined && result!.count >= count) return undefined;
  const interval =
    last.phase === 'Error' || !metric.interval
      ? ERROR_RETRY_INTERVAL_MS
      : ms(metric.interval);
  if (interval === undefined || !last.finishedAt) return undefined;
  return Date.parse(last.finishedAt) + interval;
}

/**
 * The metrics to measure now. None while the run is terminating (a metric
 * failed, or the run was aborted): it only winds down.
 */
export function dueMetrics(
  run: AnalysisRun,
  metrics: readonly AnalysisMetric[],
  now: number,
  terminating: boolean,
): AnalysisMetric[] {
  if (terminating) return [];
  return metrics.filter(metric => {
    const at = dueAt(run, metric);
    // Due at the very instant it is scheduled for (Rollouts waits for a
    // later reconcile), so a caller woken at nextAt always makes progress.
    return at !== undefined && at <= now;
  });
}

/** The earliest time a metric is next due, if any is. */
export function nextDueAt(
  run: AnalysisRun,
  metrics: readonly AnalysisMetric[],
): number | undefined {
  let next: number | undefined;
  for (const metric of metrics) {
    const at = dueAt(run, metric);
    if (at !== undefined && (next === undefined || at < next)) next = at;
  }
  return next;
}
