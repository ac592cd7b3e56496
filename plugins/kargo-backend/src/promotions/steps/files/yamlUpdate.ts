import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { updateCommitMessage, yamlCommitValue } from './commitMessages';
import { yamlUpdateSchema } from './configSchemas';
import { readConfigFile, replaceFileContent } from './fileIo';
import { applyYamlUpdates, type YamlUpdate } from './yamlEdit';

/**
 * `yaml-update`: sets keys in a YAML file (`image.tag`, `a\.b`, `list.0.x`),
 * keeping comments and formatting. Unlike Kargo, which only replaces
 * existing scalars, missing keys are created (maps on the way, `-1` or an
 * index past the end appends to a list), and maps or lists may be written.
 */
export const yamlUpdateStep: PromotionStepRunner = {
  name: 'yaml-update',
  configSchema: yamlUpdateSchema,
  async run(ctx) {
    const path = ctx.config.path as string;
    const updates = ctx.config.updates as YamlUpdate[];
    const { absolutePath, text } = await readConfigFile(ctx, path);
    const updated = applyYamlUpdates(text, updates);
    if (updated !== text) {
      await replaceFileContent(ctx, absolutePath, updated);
    }
    ctx.log(`updated ${updates.length} key(s) in ${path}`);
    return {
      status: 'Succeeded',
      output: {
        commitMessage: updateCommitMessage(
          path,
          updates.map(u => ({ key: u.key, text: yamlCommitValue(u.value) })),
        ),
      },
    };
  },
};
