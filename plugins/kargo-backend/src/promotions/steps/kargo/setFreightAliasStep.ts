import {
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { InputError, isError } from '@backstage/errors';
import type { KargoStore } from '../../../database';
import { ManifestApplier, toManifest } from '../../../manifests';

/**
 * `set-freight-alias`: renames a Freight's alias through the same applier
 * as the API (alias format, uniqueness per project). Idempotent.
 */
export function createSetFreightAliasStep(
  store: KargoStore,
  applier: ManifestApplier,
): PromotionStepRunner {
  return {
    name: 'set-freight-alias',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'alias'],
      properties: {
        name: { type: 'string', minLength: 1 },
        alias: { type: 'string', minLength: 1 },
      },
    },
    async run(ctx) {
      const { name, alias } = ctx.config as { name: string; alias: string };
      const freight = await store.getFreight(ctx.project, name);
      if (!freight) {
        throw new TerminalStepError(
          `name: Freight "${name}" not found in project "${ctx.project}"`,
        );
      }
      if (freight.alias === alias) return { status: 'Succeeded' };
      try {
        await applier.apply(
          [{ ...toManifest(freight), alias, status: undefined }],
          'upsert',
        );
      } catch (error) {
        if (isError(error) && error.name === InputError.name) {
          throw new TerminalStepError(`alias: ${error.message}`);
        }
        throw error;
      }
      ctx.log(
        `Freight "${freight.name}" is now "${alias}" (was "${
          freight.alias ?? ''
        }")`,
      );
      return { status: 'Succeeded' };
    },
  };
}
