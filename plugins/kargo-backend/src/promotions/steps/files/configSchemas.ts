import type { JsonObject } from '@backstage/types';

/*
 * Config schemas mirroring Kargo's (pkg/promotion/runner/builtin/schemas/
 * <step>-config.json) for the file steps. Differences: no `$schema` (the
 * engine's Ajv speaks its default draft) and `definitions` are inlined.
 */

const path = (description: string): JsonObject => ({
  type: 'string',
  minLength: 1,
  description,
});

const ignore: JsonObject = {
  type: 'string',
  minLength: 1,
  description:
    'A (multiline) string of glob patterns to ignore, in .gitignore syntax.',
};

/** yaml-update, json-update, toml-update. */
function updateSchema(format: string): JsonObject {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'updates'],
    properties: {
      path: path(`The path to a ${format} file.`),
      updates: {
        type: 'array',
        minItems: 1,
        description: `A list of updates to apply to the ${format} file.`,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'value'],
          properties: {
            key: {
              type: 'string',
              minLength: 1,
              description:
                'The key to update. For nested values, use a dot notation path.',
            },
            value: { description: 'The new value for the specified key.' },
          },
        },
      },
    },
  };
}

/** yaml-parse, json-parse, toml-parse. */
function parseSchema(format: string): JsonObject {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'outputs'],
    properties: {
      path: path(`The path to the ${format} file to be parsed.`),
      outputs: {
        type: 'array',
        minItems: 1,
        description: `An array of outputs to extract from the ${format} file.`,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'fromExpression'],
          properties: {
            name: {
              type: 'string',
              minLength: 1,
              description:
                'The name of the output variable to store the result.',
            },
            fromExpression: {
              type: 'string',
              minLength: 1,
              description: `The expression used to extract data from the ${format} file.`,
            },
          },
        },
      },
    },
  };
}

export const yamlUpdateSchema = updateSchema('YAML');
export const jsonUpdateSchema = updateSchema('JSON');
export const tomlUpdateSchema = updateSchema('TOML');
export const yamlParseSchema = parseSchema('YAML');
export const jsonParseSchema = parseSchema('JSON');
export const tomlParseSchema = parseSchema('TOML');

export const yamlMergeSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['inFiles', 'outFile'],
  properties: {
    inFiles: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      description: 'The list of paths of YAML files to merge.',
    },
    outFile: path('The path of the merged YAML file to create or update.'),
    ignoreMissingFiles: {
      type: 'boolean',
      default: false,
      description: 'Let the step pass even if an input file does not exist.',
    },
  },
};

export const fileWriteSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'contents'],
  properties: {
    path: path('The destination file path to write.'),
    contents: { type: 'string', description: 'The file content to write.' },
    permissions: {
      type: 'string',
      pattern: '^0[0-7]{3}$',
      description: 'Octal file mode of the written file. Defaults to 0600.',
    },
    overwrite: {
      type: 'boolean',
      default: false,
      description: 'Allow an existing file to be replaced.',
    },
  },
};

export const copySchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['inPath', 'outPath'],
  properties: {
    inPath: path('The path to the file or directory to copy.'),
    outPath: path('The path to the destination file or directory.'),
    ignore,
  },
};

export const deleteSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['path'] }, { required: ['paths'] }],
  properties: {
    path: path(
      'The file or directory to delete (a glob pattern when pathsAreGlobs is true).',
    ),
    paths: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description:
        'Files or directories to delete (glob patterns when pathsAreGlobs is true).',
    },
    pathsAreGlobs: {
      type: 'boolean',
      default: false,
      description: 'Treat path and paths as glob patterns.',
    },
    strict: {
      type: 'boolean',
      default: false,
      description:
        'Fail if a path does not exist or a glob pattern matches nothing.',
    },
  },
};

export const tarSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['inPath', 'outPath'],
  properties: {
    inPath: path('The source directory or file to archive.'),
    outPath: path('The tar file to create; an existing file is overwritten.'),
    ignore,
    gzip: {
      type: 'boolean',
      description: 'Compress the archive with gzip. Defaults to false.',
    },
  },
};

export const untarSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['inPath', 'outPath'],
  properties: {
    inPath: path('The tar file to extract.'),
    outPath: path(
      'The directory to extract into; its existing content is replaced.',
    ),
    stripComponents: {
      type: 'integer',
      minimum: 0,
      description: 'Leading path components to strip from entry names.',
    },
    ignore,
  },
};
