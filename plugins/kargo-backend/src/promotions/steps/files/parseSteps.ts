import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import {
  jsonParseSchema,
  tomlParseSchema,
  yamlParseSchema,
} from './configSchemas';
import { readConfigFile } from './fileIo';
import { extractOutputs, type OutputRule } from './parseOutputs';

/** The first document of a YAML file, as plain data (merge keys applied). */
function parseYaml(text: string): unknown {
  if (text.length === 0) {
    throw new TerminalStepError('cannot parse an empty YAML file');
  }
  const [doc] = parseAllDocuments(text, { merge: true });
  if (!doc || !('errors' in doc)) return null;
  if (doc.errors.length > 0) {
    throw new TerminalStepError(`not valid YAML: ${doc.errors[0].message}`);
  }
  // toJS refuses documents whose aliases expand too far (billion laughs).
  try {
    return doc.toJS();
  } catch (error) {
    throw new TerminalStepError(`not usable YAML: ${(error as Error).message}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TerminalStepError(`not valid JSON: ${(error as Error).message}`);
  }
}

function parseTomlText(text: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    throw new TerminalStepError(`not valid TOML: ${(error as Error).message}`);
  }
}

function parseStep(
  name: string,
  format: string,
  configSchema: PromotionStepRunner['configSchema'],
  parse: (text: string) => unknown,
): PromotionStepRunner {
  return {
    name,
    configSchema,
    async run(ctx: PromotionStepContext) {
      const path = ctx.config.path as string;
      const rules = ctx.config.outputs as OutputRule[];
      const { text } = await readConfigFile(ctx, path);
      const output = extractOutputs(ctx, parse(text), rules, format);
      ctx.log(`read ${rules.length} output(s) from ${path}`);
      return { status: 'Succeeded', output };
    },
  };
}

/** `yaml-parse`: named outputs from expressions over a YAML file. */
export const yamlParseStep = parseStep(
  'yaml-parse',
  'YAML',
  yamlParseSchema,
  parseYaml,
);

/** `json-parse`: named outputs from expressions over a JSON file. */
export const jsonParseStep = parseStep(
  'json-parse',
  'JSON',
  jsonParseSchema,
  parseJson,
);

/** `toml-parse`: named outputs from expressions over a TOML file. */
export const tomlParseStep = parseStep(
  'toml-parse',
  'TOML',
  tomlParseSchema,
  parseTomlText,
);
