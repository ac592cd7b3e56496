import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { failConfigSchema } from './configSchemas';

/** `fail`: fails the Promotion on purpose, usually behind an `if:`. */
export function createFailStep(): PromotionStepRunner {
  return {
    name: 'fail',
    configSchema: failConfigSchema,
    async run(ctx) {
      const message = ctx.config.message;
      // Kargo's wording: "failed" or "failed: <message>".
      return {
        status: 'Failed',
        message:
          typeof message === 'string' && message
            ? `failed: ${message}`
            : 'failed',
      };
    },
  };
}
