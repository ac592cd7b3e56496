import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import type { KargoStore } from '../../../database';
import type { ManifestApplier } from '../../../manifests';
import { createSetFreightAliasStep } from './setFreightAliasStep';
import { createSetMetadataStep } from './setMetadataStep';

/** Steps that change Kargo's own resources. */
export function createKargoResourceSteps(deps: {
  store: KargoStore;
  applier: ManifestApplier;
}): PromotionStepRunner[] {
  return [
    createSetMetadataStep(deps.store),
    createSetFreightAliasStep(deps.store, deps.applier),
  ];
}
