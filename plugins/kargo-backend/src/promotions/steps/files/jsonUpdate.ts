import {
  TerminalStepError,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { jsonCommitValue, updateCommitMessage } from './commitMessages';
import { jsonUpdateSchema } from './configSchemas';
import { readConfigFile, replaceFileContent } from './fileIo';
import { setJsonValue } from './jsonEdit';
import { splitKey } from './keyPath';

type JsonUpdate = { key: string; value: unknown };

/**
 * `json-update`: sets keys in a JSON file with sjson's path syntax, as
 * Kargo does. Values must be strings, numbers or booleans (Kargo's rule).
 * Existing key order, indentation and untouched values are kept as written.
 */
export const jsonUpdateStep: PromotionStepRunner = {
  name: 'json-update',
  configSchema: jsonUpdateSchema,
  async run(ctx) {
    const path = ctx.config.path as string;
    const updates = ctx.config.updates as JsonUpdate[];
    updates.forEach(({ key, value }, i) => {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new TerminalStepError(
          `updates[${i}] (${key}): value must be a string, number or boolean`,
        );
      }
    });
    const { absolutePath, text } = await readConfigFile(ctx, path);
    let updated = text;
    for (const { key, value } of updates) {
      updated = setJsonValue(updated, splitKey(key), value);
    }
    if (updated !== text) {
      await replaceFileContent(ctx, absolutePath, updated);
    }
    ctx.log(`updated ${updates.length} key(s) in ${path}`);
    return {
      status: 'Succeeded',
      output: {
        commitMessage: updateCommitMessage(
          path,
          updates.map(u => ({ key: u.key, text: jsonCommitValue(u.value) })),
        ),
      },
    };
  },
};
