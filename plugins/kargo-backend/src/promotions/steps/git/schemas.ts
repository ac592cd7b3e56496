import type { JsonObject } from '@backstage/types';

/*
 * Config schemas of the git steps, mirroring Kargo's
 * (pkg/promotion/runner/builtin/schemas/git-*-config.json) for the Ajv
 * (draft-07) the engine uses: no `$schema`, no `deprecated`, and a pattern
 * instead of `format: email`, which that Ajv does not check.
 */

const EMAIL = { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$' };
const EMPTY = { enum: [null, ''] };

const author = (description: string): JsonObject => ({
  type: 'object',
  description,
  additionalProperties: false,
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', minLength: 1 },
    email: EMAIL,
    signingKey: { type: 'string' },
  },
});

export type AuthorConfig = { name: string; email: string; signingKey?: string };

export type GitCheckoutConfig = {
  path: string;
  branch?: string;
  commit?: string;
  tag?: string;
  create?: boolean;
  as?: string;
  sparse?: string[];
};

export type GitCloneConfig = {
  repoURL: string;
  checkout: GitCheckoutConfig[];
  author?: AuthorConfig;
  recurseSubmodules?: boolean;
  blobless?: boolean;
  insecureSkipTLSVerify?: boolean;
};

export const gitCloneSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['repoURL', 'checkout'],
  properties: {
    repoURL: { type: 'string', minLength: 1 },
    insecureSkipTLSVerify: { type: 'boolean' },
    recurseSubmodules: { type: 'boolean' },
    blobless: { type: 'boolean' },
    author: author('Default author of commits made in the clone.'),
    checkout: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          as: { type: 'string' },
          branch: { type: 'string' },
          commit: { type: 'string' },
          tag: { type: 'string' },
          create: { type: 'boolean' },
          path: { type: 'string', minLength: 1 },
          sparse: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1 },
          },
        },
        // At most one of branch, commit and tag (none: the default branch).
        oneOf: [
          { properties: { branch: EMPTY, commit: EMPTY, tag: EMPTY } },
          {
            required: ['branch'],
            properties: { branch: { minLength: 1 }, commit: EMPTY, tag: EMPTY },
          },
          {
            required: ['commit'],
            properties: { branch: EMPTY, commit: { minLength: 1 }, tag: EMPTY },
          },
          {
            required: ['tag'],
            properties: { branch: EMPTY, commit: EMPTY, tag: { minLength: 1 } },
          },
        ],
      },
    },
  },
};

export type GitClearConfig = { path: string };

export const gitClearSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: { path: { type: 'string', minLength: 1 } },
};

export type GitCommitConfig = {
  path: string;
  message: string;
  author?: AuthorConfig;
};

export const gitCommitSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'message'],
  properties: {
    path: { type: 'string', minLength: 1 },
    message: { type: 'string', minLength: 1 },
    author: author('Deprecated in Kargo: configure authorship in git-clone.'),
  },
};

export type GitPushConfig = {
  path: string;
  targetBranch?: string;
  generateTargetBranch?: boolean;
  tag?: string;
  force?: boolean;
  maxAttempts?: number;
  provider?: 'azure' | 'bitbucket' | 'gitea' | 'github' | 'gitlab';
};

export const gitPushSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1 },
    generateTargetBranch: { type: 'boolean' },
    targetBranch: { type: 'string' },
    tag: { type: 'string' },
    force: { type: 'boolean', default: false },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 2147483647 },
    provider: {
      type: 'string',
      enum: ['azure', 'bitbucket', 'gitea', 'github', 'gitlab'],
    },
  },
  // One of: a generated branch, a named branch, a tag (never forced), or
  // none of them (the checked-out branch).
  oneOf: [
    {
      required: ['generateTargetBranch'],
      properties: {
        generateTargetBranch: { const: true },
        targetBranch: EMPTY,
        tag: EMPTY,
      },
    },
    {
      required: ['targetBranch'],
      properties: {
        generateTargetBranch: { enum: [false, null] },
        targetBranch: { minLength: 1 },
        tag: EMPTY,
      },
    },
    {
      required: ['tag'],
      properties: {
        generateTargetBranch: { enum: [false, null] },
        targetBranch: EMPTY,
        tag: { minLength: 1 },
        force: { enum: [false, null] },
      },
    },
    {
      properties: {
        generateTargetBranch: { enum: [false, null] },
        targetBranch: EMPTY,
        tag: EMPTY,
      },
    },
  ],
};

export type GitTagConfig = {
  path: string;
  tag: string;
  message: string;
  force?: boolean;
};

export const gitTagSchema: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'tag', 'message'],
  properties: {
    path: { type: 'string', minLength: 1 },
    tag: { type: 'string', minLength: 1 },
    message: { type: 'string', minLength: 1 },
    force: { type: 'boolean', default: false },
  },
};
