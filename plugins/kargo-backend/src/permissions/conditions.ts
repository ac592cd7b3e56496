import { createConditionExports } from '@backstage/plugin-permission-node';
import { kargoStagePermissionResourceRef } from './stageResource';
import { kargoStageRules } from './stageRules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: kargoStagePermissionResourceRef,
  rules: kargoStageRules,
});

/**
 * Conditions for permission policies on `kargo-stage` permissions
 * (`kargo.stage.promote`, `kargo.freight.approve`, `kargo.promotion.abort`):
 * `isInProject`, `hasStageName`, `hasLabel`, `isOwnedBy`.
 */
export const kargoStageConditions = conditions;

/** A CONDITIONAL decision on a `kargo-stage` permission. */
export const createKargoStageConditionalDecision = createConditionalDecision;
