import type { PromotionStepView } from '@kargo-backstage/plugin-kargo-common';
import { manifest, runningPromotion, stage } from './pipelineFixtures';

const held = (freight: string) => ({
  'Warehouse/guestbook': {
    name: freight,
    origin: { kind: 'Warehouse', name: 'guestbook' },
  },
});

/** dev as `getStage` answers it: its whole Freight history. */
export const devWithHistory = stage(
  'dev',
  { direct: true },
  {
    health: { status: 'Healthy' },
    freightHistory: [
      {
        items: held('f2'),
        verificationHistory: [
          {
            id: 'v2',
            phase: 'Running',
            actor: 'user:default/guest',
            startTime: '2026-11-26T10:00:00Z',
            analysisRun: { name: 'dev.01j.f2', namespace: 'kargo-demo' },
          },
        ],
      },
      {
        items: held('f1'),
        verificationHistory: [
          {
            id: 'v1',
            phase: 'Successful',
            startTime: '2026-11-25T10:00:00Z',
            finishTime: '2026-11-25T10:00:10Z',
            analysisRun: { name: 'dev.01h.f1', namespace: 'kargo-demo' },
          },
        ],
      },
    ],
  },
);

/** dev.1 promoted f1 and succeeded in 1m 05s. */
export const succeededPromotion = manifest('Promotion', 'dev.1', {
  metadata: {
    name: 'dev.1',
    namespace: 'kargo-demo',
    annotations: { 'kargo.akuity.io/create-actor': 'user:default/ana' },
  },
  spec: { stage: 'dev', freight: 'f1', steps: [] },
  status: {
    phase: 'Succeeded',
    startedAt: '2026-11-25T09:00:00Z',
    finishedAt: '2026-11-25T09:01:05Z',
  },
});

export { runningPromotion };

/** The steps of a Promotion at its second step. */
export const runningSteps: PromotionStepView[] = [
  {
    index: 0,
    alias: 'clone',
    uses: 'git-clone',
    status: 'Succeeded',
    errorCount: 0,
    startedAt: '2026-11-26T10:00:00Z',
    finishedAt: '2026-11-26T10:00:02Z',
    output: { commit: '2222222bbbbbbb' },
    logs: [{ at: '2026-11-26T10:00:01Z', message: 'cloned guestbook-gitops' }],
  },
  {
    index: 1,
    alias: 'commit',
    uses: 'git-commit',
    status: 'Running',
    errorCount: 0,
    startedAt: '2026-11-26T10:00:02Z',
    message: 'waiting for the lock',
    logs: [],
  },
  { index: 2, alias: 'push', uses: 'git-push', errorCount: 0, logs: [] },
];

/** The AnalysisRun of dev's verification of f1. */
export const analysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun' as const,
  metadata: { name: 'dev.01j.f2', namespace: 'kargo-demo' },
  status: {
    phase: 'Running' as const,
    metricResults: [
      {
        name: 'smoke',
        phase: 'Running' as const,
        count: 1,
        successful: 1,
        measurements: [{ phase: 'Successful' as const, value: '{"ok":true}' }],
      },
    ],
  },
};
