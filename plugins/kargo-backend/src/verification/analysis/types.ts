import type {
  AnalysisArgument,
  AnalysisMetric,
} from '@kargo-backstage/plugin-kargo-common';

/*
 * Argo Rollouts' AnalysisRun, as this engine keeps it: JSON throughout, so
 * a caller can store a run between advances and resume it anywhere.
 */

/** The phase of a measurement or a metric (Rollouts' AnalysisPhase). */
export type AnalysisPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Error'
  | 'Inconclusive';

/** A run's phase: Rollouts' phases, plus Kargo's Aborted. */
export type AnalysisRunPhase = AnalysisPhase | 'Aborted';

export type Measurement = {
  phase: AnalysisPhase;
  message?: string;
  /** RFC 3339 timestamps. */
  startedAt?: string;
  finishedAt?: string;
  /** The measured value as text (JSON for structured values). */
  value?: string;
  metadata?: Record<string, string>;
};

export type MetricResult = {
  name: string;
  phase: AnalysisPhase;
  /** The newest last; at most the metric's retention limit (default 10). */
  measurements: Measurement[];
  message?: string;
  /** Measurements that were Successful, Failed or Inconclusive. */
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  consecutiveSuccess: number;
  metadata?: Record<string, string>;
};

export type RunSummary = {
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
};

export type MeasurementRetention = { metricName: string; limit: number };

export type AnalysisRunSpec = {
  /** The templates' metrics, arguments not yet substituted. */
  metrics: AnalysisMetric[];
  /** Every argument has a value or valueFrom (checked at creation). */
  args?: AnalysisArgument[];
  measurementRetention?: MeasurementRetention[];
  /** Set by abortAnalysisRun (Rollouts' terminate). */
  terminate?: boolean;
};

export type AnalysisRunStatus = {
  phase: AnalysisRunPhase;
  message?: string;
  metricResults: MetricResult[];
  startedAt?: string;
  completedAt?: string;
  runSummary?: RunSummary;
};

export type AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'AnalysisRun';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp: string;
  };
  spec: AnalysisRunSpec;
  status: AnalysisRunStatus;
};

/** What a provider measured. */
export type MeasureOutcome = {
  /** Shown as the measurement's value. */
  value: string;
  /** What successCondition / failureCondition see as `result`. */
  result: unknown;
  /** A provider that judges for itself sets this; conditions are skipped. */
  phase?: AnalysisPhase;
  message?: string;
  metadata?: Record<string, string>;
};

/**
 * Takes one measurement of a metric whose arguments are substituted. A
 * thrown error makes the measurement Error with the error's message.
 */
export interface MetricProvider {
  /** The key under `metric.provider` it runs: `web`, `prometheus`. */
  readonly name: string;
  measure(
    metric: AnalysisMetric,
    context: { signal: AbortSignal },
  ): Promise<MeasureOutcome>;
  /** Shown on the metric's result (Rollouts: the resolved query). */
  metadata?(metric: AnalysisMetric): Record<string, string> | undefined;
}

const COMPLETED: readonly string[] = [
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
];

/** Rollouts' AnalysisPhase.Completed(). */
export function isCompleted(phase: string | undefined): boolean {
  return phase !== undefined && COMPLETED.includes(phase);
}

/** Whether a run is over: completed, or aborted. */
export function isRunFinished(run: AnalysisRun): boolean {
  return isCompleted(run.status.phase) || run.status.phase === 'Aborted';
}
