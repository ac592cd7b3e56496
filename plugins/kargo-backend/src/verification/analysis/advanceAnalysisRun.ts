import {
  AnalysisMetric,
  checkMetricRules,
} from '@kargo-backstage/plugin-kargo-common';
import type { SecretsProvider } from '../../secrets';
import { metricsWithoutSecrets, ResolvedArg, substituteArgs } from './args';
import { assessRun, isTerminating } from './assess';
import { providerKey, recordMeasurement, takeMeasurement } from './measure';
import { trimMeasurements } from './measure';
import { dueMetrics, nextDueAt } from './schedule';
import type { AnalysisRun, MetricProvider } from './types';
import { isCompleted, isRunFinished } from './types';

export type AdvanceOptions = {
  /** The time of this advance (epoch ms), or a clock read at each stamp. */
  now: number | (() => number);
  /** The providers metrics may use (see createMetricProviders). */
  providers: readonly MetricProvider[];
  /** Aborts measurements in flight; the advance then rejects, writing nothing. */
  signal?: AbortSignal;
  /** Where `valueFrom.secretKeyRef` arguments are read (the run's project). */
  secrets?: SecretsProvider;
};

export type AdvanceResult = {
  run: AnalysisRun;
  /** When to advance again (epoch ms); absent once the run is finished. */
  nextAt?: number;
};

const iso = (ms: number) => new Date(ms).toISOString();

/** Rollouts' ValidateMetrics over the resolved metrics: a problem, or none. */
function invalidMetrics(
  metrics: readonly AnalysisMetric[],
): string | undefined {
  if (!metrics.length) return 'no metrics specified';
  for (const [i, metric] of metrics.entries()) {
    if (metrics.findIndex(m => m.name === metric.name) < i) {
      return `metrics[${i}]: duplicate name '${metric.name}'`;
    }
    const [issue] = checkMetricRules(metric);
    if (issue) return `metrics[${i}]: ${issue.message}`;
    if (!providerKey(metric)) return `metrics[${i}]: no provider specified`;
  }
  return undefined;
}

/** Arguments with secrets read, and the secret values (for redaction). */
async function resolveArgs(
  run: AnalysisRun,
  secrets: SecretsProvider | undefined,
): Promise<{ args: ResolvedArg[]; secretValues: string[] }> {
  const secretValues: string[] = [];
  const args: ResolvedArg[] = [];
  for (const arg of run.spec.args ?? []) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (!ref) {
      args.push({ name: arg.name, value: arg.value });
      continue;
    }
    if (!secrets) {
      throw new Error(`secret "${ref.name}" cannot be read: no secrets here`);
    }
    const data = await secrets.get(run.metadata.namespace, ref.name);
    if (!data) throw new Error(`secrets "${ref.name}" not found`);
    if (data[ref.key] === undefined) {
      throw new Error(
        `key '${ref.key}' does not exist in secret '${ref.name}'`,
      );
    }
    secretValues.push(data[ref.key]);
    args.push({ name: arg.name, value: data[ref.key] });
  }
  return { args, secretValues };
}

/** Sets the run's phase from its metrics (Rollouts' assessRunStatus). */
function settle(run: AnalysisRun, metrics: AnalysisMetric[], at: number) {
  let assessed = assessRun(run, metrics);
  if (!isCompleted(assessed.phase) && isTerminating(run)) {
    // A metric has just ended the run: Rollouts reconciles again at once
    // and winds the other metrics down.
    assessed = assessRun(run, metrics);
  }
  if (assessed.phase !== run.status.phase) {
    run.status.phase = assessed.phase;
    if (assessed.message) run.status.message = assessed.message;
    else delete run.status.message;
    if (isCompleted(assessed.phase)) run.status.completedAt ??= iso(at);
  }
}

/**
 * Takes every measurement that is due, assesses the metrics and the run,
 * and says when to come back. The run given is not changed; a finished run
 * (Successful, Failed, Error, Inconclusive, Aborted) is answered as is.
 */
export async function advanceAnalysisRun(
  source: AnalysisRun,
  options: AdvanceOptions,
): Promise<AdvanceResult> {
  if (isRunFinished(source)) return { run: source };
  const { now: time, providers } = options;
  const clock = typeof time === 'function' ? time : () => time;
  const signal = options.signal ?? new AbortController().signal;
  const run = structuredClone(source);
  const startedAt = clock();
  run.status.startedAt ??= iso(startedAt);
  const error = (message: string): AdvanceResult => {
    run.status.phase = 'Error';
    run.status.message = message;
    run.status.completedAt = iso(clock());
    return { run };
  };

  let metrics: AnalysisMetric[];
  try {
    metrics = metricsWithoutSecrets(run);
  } catch (e) {
    return error(`Unable to resolve metric arguments: ${(e as Error).message}`);
  }
  const invalid = invalidMetrics(metrics);
  if (invalid) return error(`Analysis spec invalid: ${invalid}`);

  const due = dueMetrics(run, metrics, startedAt, isTerminating(run));
  if (due.length) {
    let resolved: AnalysisMetric[];
    let secretValues: string[];
    try {
      const found = await resolveArgs(run, options.secrets);
      secretValues = found.secretValues;
      // The same metrics, in order, with the secrets' real values.
      resolved = run.spec.metrics
        .filter((_, i) => due.includes(metrics[i]))
        .map(m => substituteArgs(m, found.args));
    } catch (e) {
      return error(
        `Unable to resolve metric arguments: ${(e as Error).message}`,
      );
    }
    signal.throwIfAborted();
    const taken = await Promise.all(
      resolved.map(metric => takeMeasurement(metric, providers, clock, signal)),
    );
    signal.throwIfAborted();
    taken.forEach((t, i) =>
      recordMeasurement(run, resolved[i], t, secretValues),
    );
  }
  settle(run, metrics, clock());
  trimMeasurements(run, run.spec.measurementRetention);
  if (isCompleted(run.status.phase)) return { run };
  return { run, nextAt: nextDueAt(run, metrics) };
}
