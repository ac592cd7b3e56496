import type { JsonObject } from '@backstage/types';
import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { composeOutputConfigSchema } from './configSchemas';

/**
 * `compose-output`: its (already evaluated) config becomes its output, so
 * later steps and a PromotionTask's caller can read combined values.
 */
export function createComposeOutputStep(): PromotionStepRunner {
  return {
    name: 'compose-output',
    configSchema: composeOutputConfigSchema,
    async run(ctx) {
      return {
        status: 'Succeeded',
        output: structuredClone(ctx.config) as JsonObject,
      };
    },
  };
}
