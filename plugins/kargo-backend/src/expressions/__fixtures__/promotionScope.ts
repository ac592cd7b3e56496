import type { JsonObject } from '@backstage/types';
import type { PromotionFreightReference } from '@kargo-backstage/plugin-kargo-node';
import type { ExpressionScope } from '../evaluator';
import { createPromotionFunctions, StepStatusRecord } from '../functions';
import { promotionVariables } from '../promotionVariables';

/*
 * A Promotion's expression scope over in-memory Secrets, ConfigMaps and
 * Freight/Stage status, as the engine builds one over its database.
 */

export const freightCollection: PromotionFreightReference[] = [
  {
    name: 'f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0',
    origin: { kind: 'Warehouse', name: 'my-warehouse' },
    commits: [
      {
        repoURL: 'https://github.com/example/repo.git',
        id: 'abc1234def',
        branch: 'main',
        message: 'feat: add thing',
        author: 'Jane <jane@example.com>',
      },
    ],
    images: [
      {
        repoURL: 'public.ecr.aws/nginx/nginx',
        tag: '1.27.0',
        digest: 'sha256:aa',
      },
    ],
    charts: [
      { repoURL: 'oci://example.com/my-chart', version: '1.2.3' },
      {
        repoURL: 'https://example.com/charts',
        name: 'my-chart',
        version: '0.9.0',
      },
    ],
    artifacts: [
      {
        artifactType: 'application/vnd.example',
        subscriptionName: 'models',
        version: 'v7',
        metadata: { size: 12 },
      },
    ],
  },
  {
    name: 'e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9',
    origin: { kind: 'Warehouse', name: 'other-warehouse' },
    images: [{ repoURL: 'ghcr.io/example/api', tag: 'v2.0.0' }],
  },
];

export type Stores = {
  secrets?: Record<string, Record<string, string>>;
  sharedSecrets?: Record<string, Record<string, string>>;
  configMaps?: Record<string, Record<string, string>>;
  sharedConfigMaps?: Record<string, Record<string, string>>;
  freightStatus?: Record<string, JsonObject>;
  stageMetadata?: Record<string, JsonObject>;
  steps?: StepStatusRecord[];
  freight?: PromotionFreightReference[];
  currentStepAlias?: string;
};

export function promotionScope(
  stores: Stores = {},
  extra: {
    vars?: Record<string, any>;
    outputs?: Record<string, JsonObject>;
  } = {},
): ExpressionScope & { revealed: string[]; lookups: string[] } {
  const revealed: string[] = [];
  const lookups: string[] = [];
  const functions = createPromotionFunctions({
    freight: stores.freight ?? freightCollection,
    lookupSecret: async (name, shared) => {
      lookups.push(`${shared ? 'shared ' : ''}secret ${name}`);
      return (shared ? stores.sharedSecrets : stores.secrets)?.[name];
    },
    lookupConfigMap: async (name, shared) =>
      (shared ? stores.sharedConfigMaps : stores.configMaps)?.[name],
    freightMetadata: async name =>
      (stores.freightStatus?.[name]?.metadata as JsonObject | undefined) ??
      undefined,
    freightStatus: async name => stores.freightStatus?.[name],
    stageMetadata: async name => stores.stageMetadata?.[name],
    stepStatuses: () => stores.steps ?? [],
    currentStepAlias: stores.currentStepAlias,
    onSecretRevealed: value => revealed.push(value),
  });
  const variables = promotionVariables({
    project: 'kargo-demo',
    stage: 'test',
    promotion: 'test.01j2abcdefghjkmnpqrstvwxyz.f1a2b3c',
    targetFreight: {
      name: freightCollection[0].name,
      alias: 'wonky-wombat',
      origin: { name: 'my-warehouse' },
    },
    actor: 'email:jane@example.com',
    stepAlias: stores.currentStepAlias ?? 'step-1',
    uiBaseUrl: 'https://backstage.example.com/kargo',
    vars: extra.vars,
    outputs: extra.outputs ?? {},
  });
  return { variables, functions, revealed, lookups };
}

const targetFreight = freightCollection[0].name;

/** Secrets, config maps, metadata and steps of the reference's examples. */
export const docsStores = {
  secrets: { slack: { token: 'xoxb-secret-token' } },
  sharedSecrets: { slack: { token: 'xoxb-shared-token' } },
  configMaps: {
    'my-config': { repoURL: 'https://github.com/example/repo.git' },
  },
  sharedConfigMaps: {
    'my-config': { repoURL: 'https://github.com/example/shared.git' },
  },
  freightStatus: {
    [targetFreight]: {
      currentlyIn: { test: {} },
      verifiedIn: { test: {} },
      approvedFor: { prod: { approvedAt: '2025-01-02T03:04:05Z' } },
      metadata: {
        category: 'hotfix',
        config: { settings: { timeoutSeconds: 60 } },
      },
    },
  },
  stageMetadata: { test: { 'aws-region': 'eu-west-1', config: {} } },
  steps: [
    { alias: 'my-step-alias', status: 'Succeeded' },
    { alias: 'flaky', status: 'Errored', continueOnError: true },
  ],
};
export const docsOutputs = {
  'read-config': { appConfig: { replicas: 2, name: 'app' } },
  'update-image': { commitMessage: 'Updated nginx to 1.27.0' },
  commit: { commit: 'abc1234def' },
};
/** The Promotion Kargo's expression reference describes, as a scope. */
export const docsScope = () =>
  promotionScope(docsStores, { outputs: docsOutputs });
