import type { JsonObject } from '@backstage/types';

/*
 * Config schemas of argocd-update and argocd-wait, as Kargo's
 * schemas/argocd-{update,wait}-config.json with argocd-common.json's
 * selector inlined (the engine's Ajv compiles each schema on its own).
 */

const selector: JsonObject = {
  type: 'object',
  description:
    'Selects Argo CD Applications by label. Must contain at least one criterion.',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string', minLength: 1 },
          operator: {
            type: 'string',
            enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
          },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  anyOf: [
    {
      required: ['matchLabels'],
      properties: { matchLabels: { minProperties: 1 } },
    },
    {
      required: ['matchExpressions'],
      properties: { matchExpressions: { minItems: 1 } },
    },
  ],
};

/** Exactly one of `name` and `selector`. */
const nameOrSelector: JsonObject[] = [
  {
    required: ['name'],
    properties: { name: { minLength: 1 }, selector: { enum: [null] } },
  },
  { required: ['selector'], properties: { name: { enum: ['', null] } } },
];

const appName = {
  name: { type: 'string', minLength: 1 },
  namespace: { type: 'string', minLength: 1 },
  selector,
};

const kustomizeImage: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['repoURL'],
  properties: {
    repoURL: { type: 'string', minLength: 1 },
    tag: { type: 'string' },
    digest: { type: 'string' },
    newName: { type: 'string', minLength: 1 },
  },
  // A tag or a digest, not both (neither gives `repo:`, as in Kargo).
  oneOf: [
    {
      properties: { digest: { enum: [null, ''] }, tag: { enum: [null, ''] } },
    },
    {
      required: ['digest'],
      properties: { digest: { minLength: 1 }, tag: { enum: [null, ''] } },
    },
    {
      required: ['tag'],
      properties: { digest: { enum: [null, ''] }, tag: { minLength: 1 } },
    },
  ],
};

const sourceUpdate: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['repoURL'],
  properties: {
    repoURL: { type: 'string', minLength: 1 },
    chart: { type: 'string', minLength: 1 },
    desiredRevision: { type: 'string', minLength: 1 },
    updateTargetRevision: { type: 'boolean' },
    kustomize: {
      type: 'object',
      additionalProperties: false,
      properties: {
        images: { type: 'array', minItems: 1, items: kustomizeImage },
      },
    },
    helm: {
      type: 'object',
      additionalProperties: false,
      required: ['images'],
      properties: {
        images: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'value'],
            properties: {
              key: { type: 'string', minLength: 1 },
              value: { type: 'string' },
            },
          },
        },
      },
    },
  },
  // updateTargetRevision: true needs a desiredRevision to point at.
  oneOf: [
    {
      properties: {
        desiredRevision: { enum: ['', null] },
        updateTargetRevision: { enum: [false, null] },
      },
    },
    {
      required: ['desiredRevision'],
      properties: { desiredRevision: { minLength: 1 } },
    },
  ],
};

export const argocdUpdateSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['apps'],
  properties: {
    apps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...appName,
          sources: { type: 'array', minItems: 1, items: sourceUpdate },
        },
        oneOf: nameOrSelector,
      },
    },
  },
};

export const argocdWaitSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['apps'],
  properties: {
    apps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...appName,
          waitFor: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: {
              type: 'string',
              enum: ['health', 'sync', 'operation', 'suspended', 'degraded'],
            },
          },
        },
        oneOf: nameOrSelector,
      },
    },
  },
};
