import type { AnalysisTemplateSpec } from '@kargo-backstage/plugin-kargo-common';
import {
  flattenTemplates,
  mergeArgs,
  metricsWithoutSecrets,
  ResolvedArg,
} from './args';
import { assessRun } from './assess';
import type { AnalysisRun } from './types';
import { isRunFinished } from './types';

/*
 * Creating and aborting an AnalysisRun. Advancing it is advanceAnalysisRun.
 */

export type CreateAnalysisRunInput = {
  /** Kargo: `<stage>.<ulid>.<first 7 of the Freight collection id>`. */
  name: string;
  /** The project the run belongs to (AnalysisTemplate secrets are looked up there). */
  namespace: string;
  /**
   * The (Cluster)AnalysisTemplates in the Stage's order: anything with the
   * validated `spec` of one, such as the stored resources.
   */
  templates: ReadonlyArray<{ spec: unknown }>;
  /** The Stage's verification args, expressions already evaluated. */
  args?: readonly ResolvedArg[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  now: number;
};

/**
 * A new run of the templates' metrics, Pending until its first advance.
 * When the templates cannot be combined (two metrics of one name,
 * conflicting argument values) or an argument is left without a value, the
 * run is created already finished in phase Error, saying why, as Kargo
 * records a verification that could not start.
 */
export function createAnalysisRun(input: CreateAnalysisRunInput): AnalysisRun {
  const created = new Date(input.now).toISOString();
  const run: AnalysisRun = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      ...(input.labels ? { labels: { ...input.labels } } : {}),
      ...(input.annotations ? { annotations: { ...input.annotations } } : {}),
      creationTimestamp: created,
    },
    spec: { metrics: [] },
    status: { phase: 'Pending', metricResults: [] },
  };
  try {
    const flat = flattenTemplates(
      input.templates.map(t => t.spec as AnalysisTemplateSpec),
    );
    run.spec.metrics = structuredClone(flat.metrics);
    run.spec.args = mergeArgs(input.args ?? [], flat.args);
    if (flat.measurementRetention.length) {
      run.spec.measurementRetention = flat.measurementRetention;
    }
  } catch (error) {
    run.status = {
      phase: 'Error',
      message: (error as Error).message,
      metricResults: [],
      startedAt: created,
      completedAt: created,
    };
  }
  return run;
}

/**
 * Kargo's abort: the run stops measuring (Rollouts' `terminate`) and ends
 * in phase Aborted. Metrics that had not finished are assessed as Rollouts
 * assesses a terminated run. A finished run is answered unchanged.
 */
export function abortAnalysisRun(
  source: AnalysisRun,
  now: number,
): AnalysisRun {
  if (isRunFinished(source)) return source;
  const run = structuredClone(source);
  run.spec.terminate = true;
  let message = '';
  try {
    message = assessRun(run, metricsWithoutSecrets(run)).message;
  } catch {
    // Arguments that cannot be resolved: nothing was measured to assess.
  }
  const at = new Date(now).toISOString();
  run.status.phase = 'Aborted';
  run.status.message = message || 'Run Terminated';
  run.status.startedAt ??= at;
  run.status.completedAt = at;
  return run;
}
