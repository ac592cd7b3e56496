import { z } from 'zod';
import { KARGO_API_VERSION } from '../../constants';
import {
  expressionVariables,
  freightOrigin,
  k8sName,
  strictObject,
} from './common';
import { resourceSchema } from './resource';
import { promotionSteps } from './steps';

/*
 * Promotion: a request to move one Freight into one Stage. Kargo's mutating
 * webhook names it and copies (inflates) the Stage's template steps into it
 * at creation, so a user-written Promotion needs only `stage` and `freight`
 * (or `origin`); steps, when present, are the already-inflated `uses` steps.
 */

export const promotionSpec = strictObject({
  stage: k8sName,
  freight: k8sName.optional(),
  origin: freightOrigin.optional(),
  target: k8sName.optional(),
  vars: expressionVariables.optional(),
  steps: promotionSteps('promotion', 'spec.steps').optional(),
}).superRefine((spec, ctx) => {
  // CEL: `has(self.freight) != has(self.origin)`.
  if ((spec.freight === undefined) === (spec.origin === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'exactly one of freight or origin is required',
    });
  }
});

export const promotionSchema = resourceSchema(
  'Promotion',
  { spec: promotionSpec },
  // Kargo names Promotions <stage>.<ulid>.<freight>.
  { nameRequired: false },
).superRefine((promotion, ctx) => {
  // Promotion webhook: only a PromotionRequest's child Promotions name a Target.
  if (!promotion.spec.target) return;
  const fromRequest = promotion.metadata.ownerReferences?.some(
    ref =>
      ref.controller === true &&
      ref.kind === 'PromotionRequest' &&
      ref.apiVersion === KARGO_API_VERSION,
  );
  if (!fromRequest) {
    ctx.addIssue({
      code: 'custom',
      path: ['spec', 'target'],
      message: 'may only be set on Promotions created by a PromotionRequest',
    });
  }
});

export type PromotionResource = z.output<typeof promotionSchema>;
