/**
 * Argo CD health latency on one database: the time from an Application
 * turning Healthy (in the in-process fake Kubernetes API) to its Stage
 * reporting Healthy, with the Application watch (production default) and,
 * as the baseline in the same run, with polling only
 * (kargo.argocd.watchApplications: false) — how the engine learned of it
 * before the watch, and the fallback while a watch is down.
 */
import type { Application } from '../../src/argocd/application';
import { kustomizeApp } from '../../src/argocd/__testUtils__/applications';
import {
  argocdConfig,
  startFakeArgoCD,
} from '../../src/argocd/__testUtils__/argocdTestSetup';
import { startBenchBackend } from '../backend';
import type { DatabaseProvider } from '../databases';
import type { BenchFigure, Log } from '../figures';
import { now, percentile } from '../measure';
import { applyYaml, noopModule } from './fixture';
import { waitFor } from './settle';

const PROJECT = 'argo';
const TARGET_MS = 1000;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const stageName = (i: number) => `env-${String(i).padStart(2, '0')}`;

function pipelineYaml(stages: number): string {
  const parts = [
    `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${PROJECT} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: ${PROJECT} }
spec:
  interval: 5m0s
  subscriptions: [{ name: none, bench: {} }]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: f1, namespace: ${PROJECT} }
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.0", digest: "sha256:${'1'.repeat(
      64,
    )}" }]
`,
  ];
  for (let i = 0; i < stages; i++) {
    parts.push(`---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${stageName(i)}, namespace: ${PROJECT} }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: argocd-update
          config: { apps: [{ name: ${stageName(i)}, namespace: argocd }] }
`);
  }
  return parts.join('');
}

async function healthOf(
  knex: import('knex').Knex,
  stage: string,
): Promise<string | undefined> {
  const row = await knex('kargo_resources')
    .where({ kind: 'Stage', project: PROJECT, name: stage })
    .first('status');
  return JSON.parse(row?.status ?? '{}').health?.status;
}

/** Latencies (ms) of `reps` Applications turning Healthy, one at a time. */
async function measure(
  provider: DatabaseProvider,
  watch: boolean,
  reps: number,
  log: Log,
): Promise<number[]> {
  const { api, controller } = await startFakeArgoCD();
  const db = await provider.open(watch ? 'argo_watch' : 'argo_poll');
  try {
    for (let i = 0; i < reps; i++) {
      const app = kustomizeApp(stageName(i), `${PROJECT}:${stageName(i)}`);
      app.status!.health = { status: 'Progressing' };
      api.put(app);
      // Kargo's sync ends, but the workload is still rolling out.
      controller.behave('argocd', stageName(i), { health: 'Progressing' });
    }
    controller.runAutomatically();
    const backend = await startBenchBackend(
      db.knex,
      [],
      {
        kargo: {
          argocd: {
            ...argocdConfig(api),
            watchApplications: watch,
          },
        },
      },
      { realScheduler: true, features: [noopModule] },
    );
    try {
      await applyYaml(backend.baseUrl, pipelineYaml(reps));
      for (let i = 0; i < reps; i++) {
        const res = await fetch(
          `${backend.baseUrl}/v1beta1/projects/${PROJECT}/stages/${stageName(
            i,
          )}/promotions`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ freight: 'f1' }),
          },
        );
        if (!res.ok) {
          throw new Error(
            `promote answered ${res.status}: ${await res.text()}`,
          );
        }
      }
      await waitFor(
        async () => {
          for (let i = 0; i < reps; i++) {
            if ((await healthOf(db.knex, stageName(i))) !== 'Progressing') {
              return false;
            }
          }
          return true;
        },
        { pollMs: 100, timeoutMs: 120_000 },
      );
      log(
        `${provider.label}, ${
          watch ? 'watch' : 'poll only'
        }: ${reps} Stages promoted, each Progressing`,
      );
      const latencies: number[] = [];
      for (let i = 0; i < reps; i++) {
        // Not in step with the engine's 1 s tick.
        await sleep(200 + Math.random() * 1000);
        const app = api.get<Application>(
          'Application',
          'argocd',
          stageName(i),
        )!;
        app.status!.health = { status: 'Healthy' };
        const start = now();
        api.put(app);
        const end = await waitFor(
          async () => (await healthOf(db.knex, stageName(i))) === 'Healthy',
          { pollMs: 2, timeoutMs: 120_000 },
        );
        latencies.push(end - start);
      }
      return latencies;
    } finally {
      await backend.stop();
    }
  } finally {
    await db.dispose();
    await api.stop();
  }
}

export async function argocdHealthFigures(
  provider: DatabaseProvider,
  reps: number,
  log: Log,
): Promise<{ figures: BenchFigure[]; notes: string[] }> {
  const watched = await measure(provider, true, reps, log);
  const polled = await measure(provider, false, reps, log);
  const ms = (xs: number[]) => xs.map(x => Math.round(x)).join(', ');
  return {
    notes: [
      `${
        provider.label
      }: Argo CD health latency per Application (ms), watch: ${ms(
        watched,
      )}; poll only: ${ms(polled)}`,
    ],
    figures: [
      {
        title: `Argo CD Application turns Healthy → its Stage reports Healthy (fake Kubernetes API, ${reps} Stages, one at a time)`,
        database: provider.label,
        baseline:
          'the same backend, fixture and changes with kargo.argocd.watchApplications: false: the Stage engine learns of the change only by its own poll (every second while a Stage is not yet healthy), as it did before the watch and does while a watch is down. Context, not measured: Kargo requeues Stage health on a timer, and its users report minutes (issues #3258, #5920)',
        stats: [
          {
            label: 'p50',
            unit: 'ms',
            ours: percentile(watched, 50),
            baseline: percentile(polled, 50),
            target: {
              text: `p50 < ${TARGET_MS} ms`,
              met: percentile(watched, 50) < TARGET_MS,
            },
          },
          {
            label: 'p90',
            unit: 'ms',
            ours: percentile(watched, 90),
            baseline: percentile(polled, 90),
          },
          {
            label: 'max',
            unit: 'ms',
            ours: Math.max(...watched),
            baseline: Math.max(...polled),
          },
        ],
      },
    ],
  };
}
