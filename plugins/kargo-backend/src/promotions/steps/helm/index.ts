import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { createHelmTemplateStep } from './helmTemplate';
import { createHelmUpdateChartStep } from './helmUpdateChart';
import type { HelmStepsDeps } from './types';

export type { HelmStepsDeps } from './types';

/**
 * The `helm-update-chart` and `helm-template` steps. Both run the `helm`
 * binary from the backend's PATH in a throw-away helm home;
 * `deps.credentials` supplies chart repository credentials.
 */
export function createHelmSteps(
  deps: HelmStepsDeps = {},
): PromotionStepRunner[] {
  return [createHelmUpdateChartStep(deps), createHelmTemplateStep(deps)];
}
