import type { JsonObject } from '@backstage/types';
import type {
  StageHealthChecker,
  StageHealthResult,
  StageHealthStatus,
} from '@kargo-backstage/plugin-kargo-node';
import type { StoredResource } from '../database';

/** Kargo's order, best first: merging health keeps the worst. */
const ORDER: StageHealthStatus[] = [
  'Healthy',
  'NotApplicable',
  'Progressing',
  'Unknown',
  'Unhealthy',
];

export function worseHealth(
  a: StageHealthStatus,
  b: StageHealthStatus,
): StageHealthStatus {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** What the Stage status shows under `health`. */
export type StageHealth = StageHealthResult & {
  /** The checks run (Kargo's opaque `config`), for the UI and debugging. */
  config?: JsonObject;
  /** Kargo's condition reason when health could not be assessed. */
  reason?: string;
};

export type HealthCheckSpec = { uses: string; config: JsonObject };

/**
 * Kargo's health assessment: Unknown while promoting, before any
 * Promotion, or after one that did not succeed (the world's state cannot be
 * known); otherwise the worst result of the checks the last successful
 * Promotion registered, and Healthy when it registered none.
 */
export async function assessStageHealth(input: {
  stage: StoredResource;
  lastPromotion?: StoredResource;
  checker: (name: string) => StageHealthChecker | undefined;
  signal: AbortSignal;
}): Promise<StageHealth> {
  const { stage, lastPromotion } = input;
  if (stage.status.currentPromotion) {
    return {
      status: 'Unknown',
      reason: 'Promoting',
      issues: ['a Promotion is in progress'],
    };
  }
  const last = stage.status.lastPromotion as
    | { status?: { phase?: string } }
    | undefined;
  if (!last) {
    return {
      status: 'Unknown',
      reason: 'NoFreight',
      issues: ['the Stage has no Freight yet'],
    };
  }
  const phase = last.status?.phase;
  if (phase !== 'Succeeded') {
    return {
      status: 'Unknown',
      reason: `LastPromotion${phase ?? 'Unknown'}`,
      issues: [`the last Promotion ended ${phase ?? 'in an unknown phase'}`],
    };
  }
  const checks = (lastPromotion?.status.healthChecks ??
    []) as HealthCheckSpec[];
  if (!checks.length) return { status: 'Healthy' };
  let status: StageHealthStatus = 'Healthy';
  const issues: string[] = [];
  const outputs: JsonObject[] = [];
  for (const check of checks) {
    const checker = input.checker(check.uses);
    let result: StageHealthResult;
    if (!checker) {
      result = {
        status: 'Unknown',
        issues: [`no health checker "${check.uses}" is installed`],
      };
    } else {
      try {
        result = await checker.check({
          project: stage.project,
          stage: stage.name,
          config: check.config,
          signal: input.signal,
        });
      } catch (error) {
        result = {
          status: 'Unknown',
          issues: [`${check.uses}: ${(error as Error).message}`],
        };
      }
    }
    status = worseHealth(status, result.status);
    issues.push(...(result.issues ?? []));
    if (result.output) outputs.push(result.output);
  }
  return {
    status,
    ...(issues.length ? { issues } : {}),
    ...(outputs.length ? { output: { checks: outputs } } : {}),
    config: { checks: checks as unknown as JsonObject[] },
  };
}
