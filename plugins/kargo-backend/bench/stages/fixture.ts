/**
 * The Stage-engine fixture: one project, `warehouses` Warehouses, each
 * feeding its own layered pipeline of 12 Stages — 2 "auto" Stages taking its
 * Freight directly (a no-op step, auto-promotion enabled by the
 * ProjectConfig's promotion policy), 6 control-flow "gate" Stages (no
 * steps) taking from them, 4 "final" Stages (no-op step, no
 * auto-promotion) taking from the gates — and `freight` Freight spread
 * evenly. The no-op step and a no-op subscription type (discovery that
 * finds nothing, so no network) come from a backend module through the
 * kargo-node extension points, as a third-party module would add them.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  kargoArtifactSubscribersExtensionPoint,
  kargoPromotionStepsExtensionPoint,
} from '@kargo-backstage/plugin-kargo-node';

export const PROJECT = 'fleet';
const IMAGE = 'registry.example.com/app';

export const noopModule = createBackendModule({
  pluginId: 'kargo',
  moduleId: 'bench-noop',
  register(reg) {
    reg.registerInit({
      deps: {
        steps: kargoPromotionStepsExtensionPoint,
        subscribers: kargoArtifactSubscribersExtensionPoint,
      },
      async init({ steps, subscribers }) {
        steps.addPromotionSteps({
          name: 'noop',
          run: async () => ({ status: 'Succeeded' }),
        });
        subscribers.addArtifactSubscribers({
          type: 'bench',
          discover: async () => [],
        });
      },
    });
  },
});

export const warehouseName = (w: number) => `w${String(w).padStart(2, '0')}`;
/** Per pipeline: 2 auto, 6 gates, 4 final = 12 Stages. */
export const PIPELINE = { auto: 2, gate: 6, final: 4 };
const stageName = (w: number, kind: string, i: number) =>
  `${warehouseName(w)}-${kind}-${i}`;

/** The Stages the new Freight of Warehouse w is verified in once settled. */
export function verifiedStagesOf(w: number): string[] {
  return [
    ...Array.from({ length: PIPELINE.auto }, (_, i) => stageName(w, 'auto', i)),
    ...Array.from({ length: PIPELINE.gate }, (_, i) => stageName(w, 'gate', i)),
  ];
}

const stage = (name: string, sources: string, steps: boolean) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${name}, namespace: ${PROJECT} }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: ${name.slice(0, 3)} }
      sources: ${sources}
${steps ? '  promotionTemplate: { spec: { steps: [{ uses: noop }] } }\n' : ''}`;

export function freightYaml(w: number, i: number): string {
  const name = `${warehouseName(w)}-f${String(i).padStart(4, '0')}`;
  return `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: ${name}, namespace: ${PROJECT} }
alias: ${name}
origin: { kind: Warehouse, name: ${warehouseName(w)} }
images:
  - repoURL: ${IMAGE}
    tag: "${w}.0.${i}"
    digest: sha256:${(w * 100_000 + i).toString(16).padStart(64, '0')}
`;
}

/** Project, ProjectConfig, Warehouses and Stages (no Freight). */
export function pipelinesYaml(warehouses: number): string {
  const parts = [
    `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: ${PROJECT} }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: { name: ${PROJECT}, namespace: ${PROJECT} }
spec:
  promotionPolicies:
    - stageSelector: { name: "glob:*-auto-*" }
      autoPromotionEnabled: true
`,
  ];
  for (let w = 0; w < warehouses; w++) {
    parts.push(`---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: ${warehouseName(w)}, namespace: ${PROJECT} }
spec:
  interval: 5m0s
  subscriptions: [{ name: none, bench: {} }]
`);
    for (let i = 0; i < PIPELINE.auto; i++) {
      parts.push(stage(stageName(w, 'auto', i), '{ direct: true }', true));
    }
    for (let i = 0; i < PIPELINE.gate; i++) {
      const up = stageName(w, 'auto', i % PIPELINE.auto);
      parts.push(stage(stageName(w, 'gate', i), `{ stages: [${up}] }`, false));
    }
    for (let i = 0; i < PIPELINE.final; i++) {
      const up = [i, i + PIPELINE.final]
        .filter(g => g < PIPELINE.gate)
        .map(g => stageName(w, 'gate', g));
      parts.push(stage(stageName(w, 'final', i), `{ stages: [${up}] }`, true));
    }
  }
  return parts.join('');
}

/** POSTs YAML to the apply endpoint; throws on anything but 2xx. */
export async function applyYaml(baseUrl: string, yaml: string) {
  const res = await fetch(`${baseUrl}/v1beta1/resources`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: yaml,
  });
  if (!res.ok) {
    throw new Error(
      `apply answered ${res.status}: ${(await res.text()).slice(0, 500)}`,
    );
  }
}
