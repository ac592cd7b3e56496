import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { createKustomizeBuildStep } from './kustomizeBuild';
import { createKustomizeSetImageStep } from './kustomizeSetImage';

/**
 * The `kustomize-set-image` (native edit of the Kustomization file) and
 * `kustomize-build` (the `kustomize` binary, or `kubectl kustomize`)
 * steps.
 */
export function createKustomizeSteps(): PromotionStepRunner[] {
  return [createKustomizeSetImageStep(), createKustomizeBuildStep()];
}
