import type { JsonObject } from '@backstage/types';

/**
 * Config schemas of the Helm steps, as Kargo's `schemas/helm-*-config.json`
 * (without `$schema`: the engine's Ajv speaks draft-07).
 */
export const helmUpdateChartSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      description: 'Path of the (umbrella) chart whose dependencies change.',
    },
    charts: {
      type: 'array',
      minItems: 1,
      description:
        'Dependencies to set; left out, dependencies follow the ranges in Chart.yaml.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['repository', 'name', 'version'],
        properties: {
          repository: { type: 'string', minLength: 1 },
          name: { type: 'string', minLength: 1 },
          version: { type: 'string', minLength: 1 },
        },
      },
    },
  },
};

export const helmTemplateSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['outPath', 'path', 'releaseName'],
  definitions: {
    setValues: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'value'],
      properties: {
        key: { type: 'string', minLength: 1 },
        value: { type: 'string' },
        literal: { type: 'boolean', default: false },
      },
    },
  },
  properties: {
    path: { type: 'string', minLength: 1 },
    outPath: { type: 'string', minLength: 1 },
    outLayout: { type: 'string', enum: ['helm', 'flat'] },
    releaseName: { type: 'string', minLength: 1 },
    useReleaseName: { type: 'boolean', default: false },
    namespace: { type: 'string' },
    valuesFiles: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    ignoreMissingValueFiles: { type: 'boolean', default: false },
    setValues: {
      type: 'array',
      items: { $ref: '#/definitions/setValues' },
    },
    buildDependencies: { type: 'boolean', default: false },
    includeCRDs: { type: 'boolean', default: false },
    disableHooks: { type: 'boolean', default: false },
    skipTests: { type: 'boolean', default: false },
    kubeVersion: { type: 'string' },
    apiVersions: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
  },
};
