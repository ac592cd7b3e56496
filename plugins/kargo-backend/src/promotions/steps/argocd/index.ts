import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { createArgoCDUpdateStep } from './argocdUpdateStep';
import { createArgoCDWaitStep } from './argocdWaitStep';
import type { ArgoCDStepDeps } from './stepSupport';

export type { ArgoCDStepDeps } from './stepSupport';

/**
 * Kargo's Argo CD steps, `argocd-update` and `argocd-wait`, over the
 * Kubernetes API of the Argo CD instance serving the Stage's shard
 * (`kargo.argocd.instances`). Always registered: with the integration off
 * they fail with a message saying so, as Kargo's do.
 */
export function createArgoCDSteps(deps: ArgoCDStepDeps): PromotionStepRunner[] {
  return [createArgoCDUpdateStep(deps), createArgoCDWaitStep(deps)];
}
