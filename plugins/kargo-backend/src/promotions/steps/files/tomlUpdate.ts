import {
  TerminalStepError,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { TomlDocument } from '@decimalturn/toml-patch';
import { tomlCommitValue, updateCommitMessage } from './commitMessages';
import { tomlUpdateSchema } from './configSchemas';
import { readConfigFile, replaceFileContent } from './fileIo';
import { describeKey, parseIndex, splitKey } from './keyPath';

type TomlUpdate = { key: string; value: unknown };

function isTable(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date)
  );
}

/**
 * The parent (table or array) holding the scalar `key` addresses, and the
 * name or index of that scalar in it. Kargo's toml-update only replaces
 * existing scalars, so anything else is an error.
 */
function locate(
  root: unknown,
  key: string,
): { parent: any; slot: string | number } {
  const parts = splitKey(key);
  let parent: any;
  let slot: string | number | undefined;
  let node: unknown = root;
  for (const [i, part] of parts.entries()) {
    const at = describeKey(parts.slice(0, i + 1));
    if (Array.isArray(node)) {
      const index = parseIndex(part);
      if (index === undefined || index < 0 || index >= node.length) {
        throw new TerminalStepError(`key ${key}: ${at} not found`);
      }
      slot = index;
    } else if (
      isTable(node) &&
      Object.prototype.hasOwnProperty.call(node, part.name)
    ) {
      slot = part.name;
    } else {
      throw new TerminalStepError(`key ${key}: ${at} not found`);
    }
    parent = node;
    node = (node as any)[slot];
  }
  if (Array.isArray(node) || isTable(node)) {
    throw new TerminalStepError(
      `key ${key}: addresses ${
        Array.isArray(node) ? 'an array' : 'a table'
      }, not a scalar value`,
    );
  }
  return { parent, slot: slot! };
}

/**
 * `toml-update`: replaces the values of existing scalar keys in a TOML file
 * (Kargo's rule: no new keys, strings/numbers/booleans only). Everything
 * else, quoting style of the replaced strings included, stays as written.
 * A number replacing an integer is written as an integer when it is
 * whole; one replacing a float stays a float (`2.0`).
 */
export const tomlUpdateStep: PromotionStepRunner = {
  name: 'toml-update',
  configSchema: tomlUpdateSchema,
  async run(ctx) {
    const path = ctx.config.path as string;
    const updates = ctx.config.updates as TomlUpdate[];
    const { absolutePath, text } = await readConfigFile(ctx, path);
    let doc: TomlDocument;
    try {
      // Integers as bigint, so that they can be told from floats.
      doc = new TomlDocument(text, { integersAsBigInt: true });
    } catch (error) {
      throw new TerminalStepError(
        `not valid TOML: ${(error as Error).message}`,
      );
    }
    const messages: Array<{ key: string; text: string }> = [];
    for (const [i, { key, value }] of updates.entries()) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new TerminalStepError(
          `updates[${i}] (${key}): value must be a string, number or boolean`,
        );
      }
      const data = doc.toJsObject;
      const { parent, slot } = locate(data, key);
      const wasFloat = typeof parent[slot] === 'number';
      const whole = typeof value === 'number' && Number.isInteger(value);
      parent[slot] = whole && !wasFloat ? BigInt(value as number) : value;
      doc.patch(data, wasFloat ? { minimumDecimals: 1 } : {});
      messages.push({ key, text: tomlCommitValue(value, wasFloat) });
    }
    const updated = doc.toTomlString;
    if (updated !== text) {
      await replaceFileContent(ctx, absolutePath, updated);
    }
    ctx.log(`updated ${updates.length} key(s) in ${path}`);
    return {
      status: 'Succeeded',
      output: { commitMessage: updateCommitMessage(path, messages) },
    };
  },
};
