import {
  AnalysisMetric,
  intOrStringValue,
} from '@kargo-backstage/plugin-kargo-common';
import type {
  AnalysisPhase,
  AnalysisRun,
  MetricResult,
  RunSummary,
} from './types';
import { isCompleted } from './types';

/*
 * Argo Rollouts' assessment (analysis/analysis.go): of each metric from its
 * counters and limits, then of the run from its metrics (the worst).
 */

/** Rollouts' DefaultConsecutiveErrorLimit. */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

/** Best to worst (Rollouts' analysisStatusOrder). */
const ORDER: AnalysisPhase[] = [
  'Successful',
  'Running',
  'Pending',
  'Inconclusive',
  'Error',
  'Failed',
];
const isWorse = (current: AnalysisPhase, next: AnalysisPhase) =>
  ORDER.indexOf(next) > ORDER.indexOf(current);

/**
 * Rollouts' EffectiveCount: the count, or 1 when neither count nor interval
 * is set; undefined (measure for ever) with an interval and no count.
 */
export function effectiveCount(metric: AnalysisMetric): number | undefined {
  const count = intOrStringValue(metric.count);
  if (count !== 0) return count;
  return metric.interval ? undefined : 1;
}

/** A run ends early once a metric has Failed, Errored or was Inconclusive. */
export function isTerminating(run: AnalysisRun): boolean {
  return (
    Boolean(run.spec.terminate) ||
    run.status.metricResults.some(r =>
      ['Failed', 'Error', 'Inconclusive'].includes(r.phase),
    )
  );
}

/** Which limit a metric's counters broke, if any (the last one wins). */
export function limitBroken(
  metric: AnalysisMetric,
  result: MetricResult,
): { phase: AnalysisPhase; message: string } | undefined {
  let broken: { phase: AnalysisPhase; message: string } | undefined;
  const failureLimit = intOrStringValue(metric.failureLimit);
  if (failureLimit >= 0 && result.failed > failureLimit) {
    broken = {
      phase: 'Failed',
      message: `failed (${result.failed}) > failureLimit (${failureLimit})`,
    };
  }
  const inconclusiveLimit = intOrStringValue(metric.inconclusiveLimit);
  if (result.inconclusive > inconclusiveLimit) {
    broken = {
      phase: 'Inconclusive',
      message: `inconclusive (${result.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`,
    };
  }
  const errorLimit =
    metric.consecutiveErrorLimit === undefined
      ? DEFAULT_CONSECUTIVE_ERROR_LIMIT
      : intOrStringValue(metric.consecutiveErrorLimit);
  if (result.consecutiveError > errorLimit) {
    broken = {
      phase: 'Error',
      message: `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${errorLimit})`,
    };
  }
  return broken;
}

/** Rollouts' assessMetricStatus. */
export function assessMetric(
  metric: AnalysisMetric,
  result: MetricResult,
  terminating: boolean,
): AnalysisPhase {
  if (isCompleted(result.phase)) return result.phase;
  if (result.measurements.length === 0) {
    return terminating ? 'Successful' : 'Pending';
  }
  const last = result.measurements[result.measurements.length - 1];
  if (!isCompleted(last.phase)) return 'Running';
  const broken = limitBroken(metric, result);
  if (broken) return broken.phase;
  const successLimit = intOrStringValue(metric.consecutiveSuccessLimit);
  if (successLimit > 0 && result.consecutiveSuccess >= successLimit) {
    return 'Successful';
  }
  const count = effectiveCount(metric);
  if (count !== undefined && result.count >= count) {
    // Count reached without the success streak asked for.
    if (successLimit > 0) {
      return intOrStringValue(metric.failureLimit) >= 0
        ? 'Inconclusive'
        : 'Failed';
    }
    return 'Successful';
  }
  return terminating ? 'Successful' : 'Running';
}

/**
 * Updates each metric's phase (and message when it changes) and the run
 * summary; answers the run's phase and message (Rollouts' assessRunStatus).
 */
export function assessRun(
  run: AnalysisRun,
  metrics: readonly AnalysisMetric[],
): { phase: AnalysisPhase; message: string } {
  const terminating = isTerminating(run);
  const summary: RunSummary = {
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
  };
  let worst: AnalysisPhase | undefined;
  let worstMessage = run.spec.terminate ? 'Run Terminated' : '';
  let everythingCompleted = true;
  for (const metric of metrics) {
    summary.count++;
    const result = run.status.metricResults.find(r => r.name === metric.name);
    if (!result) {
      everythingCompleted = false;
      continue;
    }
    const phase = assessMetric(metric, result, terminating);
    if (phase !== result.phase) {
      const last = result.measurements[result.measurements.length - 1];
      if (last) result.message = last.message;
      result.phase = phase;
    }
    if (!isCompleted(phase)) {
      everythingCompleted = false;
      continue;
    }
    const broken = limitBroken(metric, result);
    if (worst === undefined || isWorse(worst, phase)) {
      worst = phase;
      if (broken) {
        worstMessage = `Metric "${metric.name}" assessed ${phase} due to ${broken.message}`;
        if (result.message) {
          worstMessage += `: "Error Message: ${result.message}"`;
        }
      }
    }
    const counted = broken?.phase ?? 'Successful';
    if (counted === 'Error') summary.error++;
    else if (counted === 'Failed') summary.failed++;
    else if (counted === 'Inconclusive') summary.inconclusive++;
    else summary.successful++;
  }
  run.status.runSummary = summary;
  if (terminating) {
    return { phase: worst ?? 'Successful', message: worstMessage.trim() };
  }
  if (!everythingCompleted || worst === undefined) {
    return { phase: 'Running', message: '' };
  }
  return { phase: worst, message: worstMessage.trim() };
}
