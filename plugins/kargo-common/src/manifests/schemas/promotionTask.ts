import { z } from 'zod';
import { expressionVariables, strictObject } from './common';
import { resourceSchema } from './resource';
import { promotionSteps } from './steps';

/*
 * PromotionTask (namespaced) and ClusterPromotionTask (cluster-scoped): a
 * reusable list of `uses` steps with input variables. A var without a value
 * is a required input of the task.
 */

export const promotionTaskSpec = strictObject({
  vars: expressionVariables.optional(),
  steps: promotionSteps('task', 'spec.steps'),
});

export const promotionTaskSchema = resourceSchema('PromotionTask', {
  spec: promotionTaskSpec,
});

export const clusterPromotionTaskSchema = resourceSchema(
  'ClusterPromotionTask',
  { spec: promotionTaskSpec },
);

export type PromotionTaskResource = z.output<typeof promotionTaskSchema>;
export type ClusterPromotionTaskResource = z.output<
  typeof clusterPromotionTaskSchema
>;
