import type { JsonObject } from '@backstage/types';
import {
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import type { KargoStore } from '../../../database';

type Update = { kind: 'Stage' | 'Freight'; name: string; values: JsonObject };

/**
 * `set-metadata`: merges values into `status.metadata` of Stages or Freight
 * of the Promotion's project, read later by `stageMetadata()` and
 * `freightMetadata()`. Idempotent: writing the same values again changes
 * nothing.
 */
export function createSetMetadataStep(store: KargoStore): PromotionStepRunner {
  return {
    name: 'set-metadata',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['updates'],
      properties: {
        updates: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'name', 'values'],
            properties: {
              kind: { type: 'string', enum: ['Stage', 'Freight'] },
              name: { type: 'string', minLength: 1 },
              values: { type: 'object', minProperties: 1 },
            },
          },
        },
      },
    },
    async run(ctx) {
      const updates = ctx.config.updates as Update[];
      await store.transaction(async tx => {
        for (const [i, update] of updates.entries()) {
          const resource =
            update.kind === 'Freight'
              ? await tx.getFreight(ctx.project, update.name)
              : await tx.getResource({
                  kind: 'Stage',
                  project: ctx.project,
                  name: update.name,
                });
          if (!resource) {
            throw new TerminalStepError(
              `updates[${i}]: ${update.kind} "${update.name}" not found in project "${ctx.project}"`,
            );
          }
          await tx.updateStatusWith(
            { kind: update.kind, project: ctx.project, name: resource.name },
            current => ({
              ...current.status,
              metadata: {
                ...((current.status.metadata ?? {}) as JsonObject),
                ...update.values,
              },
            }),
          );
          ctx.log(
            `set ${Object.keys(update.values).join(', ')} on ${update.kind} "${
              resource.name
            }"`,
          );
        }
      });
      return { status: 'Succeeded' };
    },
  };
}
