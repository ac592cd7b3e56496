import type { JsonObject } from '@backstage/types';

/**
 * Config schemas of the kustomize steps, as Kargo's
 * `schemas/kustomize-*-config.json` (without `$schema`: the engine's Ajv
 * speaks draft-07, which these schemas stay within).
 */
export const kustomizeSetImageSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      description: 'Path to the directory containing the Kustomization file.',
    },
    images: {
      type: 'array',
      description:
        'Images to set. Left out: every image of the Freight collection (unless two Warehouses subscribe to the same repository).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['image'],
        properties: {
          digest: { type: 'string' },
          image: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          newName: { type: 'string' },
          tag: { type: 'string' },
        },
        oneOf: [
          {
            required: ['tag'],
            properties: {
              digest: { enum: ['', null] },
              tag: { minLength: 1 },
            },
          },
          {
            required: ['digest'],
            properties: {
              digest: { minLength: 1 },
              tag: { enum: ['', null] },
            },
          },
        ],
      },
    },
  },
};

export const kustomizeBuildSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'outPath'],
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      description: 'Path to the directory containing the Kustomization file.',
    },
    outPath: {
      type: 'string',
      minLength: 1,
      description:
        'File (ending in .yaml or .yml) or directory the manifests are written to.',
    },
    outputFormat: {
      type: 'string',
      enum: ['kargo', 'kustomize'],
      description:
        'File names in a directory: kargo ([namespace-]kind-name.yaml, default) or kustomize ([namespace_]group_version_kind_name.yaml).',
    },
    plugin: {
      type: 'object',
      additionalProperties: false,
      properties: {
        helm: {
          type: 'object',
          additionalProperties: false,
          properties: {
            apiVersions: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
            },
            kubeVersion: { type: 'string' },
          },
        },
      },
    },
  },
};
