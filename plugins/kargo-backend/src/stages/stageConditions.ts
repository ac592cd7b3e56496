import type { JsonObject } from '@backstage/types';
import type { StageHealth } from './stageHealth';
import { VerificationInfo } from './verification';

export type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime?: string;
};

/** Sets a condition, keeping its transition time when its status holds. */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Condition,
  now: number,
): Condition[] {
  const previous = (conditions ?? []).find(c => c.type === next.type);
  const lastTransitionTime =
    previous && previous.status === next.status && previous.lastTransitionTime
      ? previous.lastTransitionTime
      : new Date(now).toISOString();
  return [
    ...(conditions ?? []).filter(c => c.type !== next.type),
    { ...next, lastTransitionTime },
  ];
}

/** Kargo's Healthy condition from an assessed health. */
export function healthyCondition(health: StageHealth): Condition {
  const byHealth: Record<string, Condition['status']> = {
    Healthy: 'True',
    Unhealthy: 'False',
  };
  const status = byHealth[health.status] ?? 'Unknown';
  return {
    type: 'Healthy',
    status,
    reason: health.reason ?? health.status,
    ...(health.issues?.length ? { message: health.issues.join('; ') } : {}),
  };
}

/**
 * Kargo's Verified condition: True once any verification of the current
 * Freight succeeded; else from the latest one (Unknown while pending,
 * running or inconclusive; False when failed, errored or aborted).
 */
export function verifiedCondition(
  history: VerificationInfo[] | undefined,
  hasFreight: boolean,
): Condition {
  if (!hasFreight) {
    return {
      type: 'Verified',
      status: 'Unknown',
      reason: 'NoFreight',
      message: 'Stage has no current Freight to verify',
    };
  }
  if (history?.some(v => v.phase === 'Successful')) {
    return {
      type: 'Verified',
      status: 'True',
      reason: 'Verified',
      message: 'Freight has been verified',
    };
  }
  const last = history?.[0];
  if (!last) {
    return {
      type: 'Verified',
      status: 'Unknown',
      reason: 'WaitingForVerification',
      message: 'Waiting for verification to be performed',
    };
  }
  const failed = ['Failed', 'Error', 'Aborted'].includes(last.phase);
  return {
    type: 'Verified',
    status: failed ? 'False' : 'Unknown',
    reason: `Verification${last.phase}`,
    ...(last.message ? { message: last.message } : {}),
  };
}

export const asJson = (conditions: Condition[]) =>
  conditions as unknown as JsonObject[];
