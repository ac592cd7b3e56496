import type { AnalysisTemplateSpec } from '@kargo-backstage/plugin-kargo-common';
import { EgressPolicy } from '../../../promotions/steps/http/egressPolicy';
import { advanceAnalysisRun, AdvanceOptions } from '../advanceAnalysisRun';
import { createAnalysisRun } from '../analysisRun';
import { createMetricProviders } from '../providers';
import type { AnalysisRun, MetricProvider } from '../types';

/** 2030-01-01T00:00:00Z: the injected clock starts here. */
export const T0 = Date.UTC(2030, 0, 1);

/** A template spec from loosely typed metrics (as a validated manifest holds). */
export const templateSpec = (
  metrics: unknown[],
  args?: unknown[],
): { spec: AnalysisTemplateSpec } => ({
  spec: { metrics, ...(args ? { args } : {}) } as AnalysisTemplateSpec,
});

/** A run of the given templates, created at T0. */
export function newRun(
  templates: Array<{ spec: AnalysisTemplateSpec }>,
  args: Array<{ name: string; value?: string }> = [],
): AnalysisRun {
  return createAnalysisRun({
    name: 'dev.01jtest.abc1234',
    namespace: 'demo',
    templates,
    args,
    now: T0,
  });
}

/** The real providers with an egress policy that allows loopback. */
export function realProviders(egress = new EgressPolicy()): MetricProvider[] {
  return createMetricProviders({ egress });
}

/**
 * Advances at each time in turn, feeding every result into the next call;
 * answers every step's result.
 */
export async function advanceAt(
  run: AnalysisRun,
  times: number[],
  options: Omit<AdvanceOptions, 'now'> = { providers: realProviders() },
) {
  const steps: Array<{ run: AnalysisRun; nextAt?: number }> = [];
  let current = run;
  for (const now of times) {
    const step = await advanceAnalysisRun(current, { ...options, now });
    steps.push(step);
    current = step.run;
  }
  return steps;
}

/**
 * Advances whenever the run asks to be (its nextAt), at most `limit`
 * times, until it finishes: the run as it ends, and the times it ran at.
 */
export async function advanceUntilDone(
  run: AnalysisRun,
  options: Omit<AdvanceOptions, 'now'> = { providers: realProviders() },
  limit = 20,
) {
  const times: number[] = [];
  let current = run;
  let now: number | undefined = T0;
  for (let i = 0; i < limit && now !== undefined; i++) {
    times.push(now);
    const step = await advanceAnalysisRun(current, { ...options, now });
    current = step.run;
    now = step.nextAt;
  }
  return { run: current, times };
}

export const webMetric = (
  url: string,
  extra: Record<string, unknown> = {},
  web: Record<string, unknown> = {},
) => ({
  name: 'health',
  provider: { web: { url, ...web } },
  ...extra,
});
