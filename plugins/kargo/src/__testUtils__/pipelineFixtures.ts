import type {
  EntityPipelineResponse,
  KargoManifest,
  ProjectPipeline,
} from '@kargo-backstage/plugin-kargo-common';

export const annotatedEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'guestbook',
    namespace: 'default',
    annotations: { 'kargo.akuity.io/project': 'kargo-demo' },
  },
  spec: {},
};

export function manifest(
  kind: string,
  name: string,
  rest: Record<string, unknown>,
): KargoManifest {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'kargo-demo' },
    ...rest,
  } as KargoManifest;
}

export const SRC = 'https://github.com/acme/guestbook.git';

/** Freight of the guestbook Warehouse carrying one commit of SRC. */
export function commitFreight(
  name: string,
  alias: string,
  commit: string,
  extra: Record<string, unknown> = {},
): KargoManifest {
  return manifest('Freight', name, {
    alias,
    origin: { kind: 'Warehouse', name: 'guestbook' },
    commits: [{ repoURL: SRC, id: commit }],
    ...extra,
  });
}

export const warehouse = manifest('Warehouse', 'guestbook', {
  spec: {
    interval: '5m0s',
    freightCreationPolicy: 'Automatic',
    subscriptions: [{ git: { repoURL: SRC, branch: 'main' } }],
  },
  status: { lastFreightID: 'f2' },
});

const steps = [
  { uses: 'git-clone', as: 'clone' },
  { uses: 'git-commit', as: 'commit' },
  { uses: 'git-push', as: 'push' },
];

export function stage(
  name: string,
  sources: { direct?: boolean; stages?: string[] },
  status: Record<string, unknown> = {},
): KargoManifest {
  return manifest('Stage', name, {
    spec: {
      requestedFreight: [
        { origin: { kind: 'Warehouse', name: 'guestbook' }, sources },
      ],
      promotionTemplate: { spec: { steps } },
    },
    status,
  });
}

const holds = (freight: string) => ({
  freightHistory: [
    {
      items: {
        'Warehouse/guestbook': {
          name: freight,
          origin: { kind: 'Warehouse', name: 'guestbook' },
        },
      },
      verificationHistory: [{ id: 'v1', phase: 'Successful' }],
    },
  ],
});

/** f1 (older) is in dev and staging; f2 (newer) is nowhere yet. */
export const f1 = commitFreight('f1', 'calm-fox', '1111111aaaaaaa', {
  discoveredAt: '2026-11-20T10:00:00Z',
  status: { currentlyIn: { dev: {}, staging: {} } },
});
export const f2 = commitFreight('f2', 'brave-owl', '2222222bbbbbbb', {
  discoveredAt: '2026-11-25T10:00:00Z',
});

export function project(
  overrides: Partial<ProjectPipeline> = {},
): ProjectPipeline {
  return {
    name: 'kargo-demo',
    warehouses: [warehouse],
    stages: [
      stage(
        'dev',
        { direct: true },
        {
          ...holds('f1'),
          health: { status: 'Healthy' },
          lastPromotion: { name: 'dev.1', status: { phase: 'Succeeded' } },
          autoPromotionEnabled: true,
        },
      ),
      stage(
        'staging',
        { stages: ['dev'] },
        { ...holds('f1'), health: { status: 'Healthy' } },
      ),
      stage('prod', { stages: ['staging'] }),
    ],
    freight: [f1, f2],
    promotions: [],
    ...overrides,
  };
}

export function pipeline(
  overrides: Partial<ProjectPipeline> = {},
): EntityPipelineResponse {
  return {
    entityRef: 'component:default/guestbook',
    projects: [project(overrides)],
  };
}

/** A Promotion of `stage` at `currentStep` (0-based) of the three steps. */
export function runningPromotion(
  name: string,
  stageName: string,
  currentStep: number,
): KargoManifest {
  return manifest('Promotion', name, {
    metadata: {
      name,
      namespace: 'kargo-demo',
      annotations: { 'kargo.akuity.io/create-actor': 'user:default/guest' },
    },
    spec: { stage: stageName, freight: 'f2', steps },
    status: {
      phase: 'Running',
      currentStep,
      stepExecutionMetadata: steps.slice(0, currentStep + 1).map((s, i) => ({
        alias: s.as,
        errorCount: 0,
        status: i < currentStep ? 'Succeeded' : 'Running',
      })),
    },
  });
}
