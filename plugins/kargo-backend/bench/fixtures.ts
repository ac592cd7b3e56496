/**
 * Deterministic fixtures: Kargo manifests shaped like a real multi-cluster
 * pipeline, and the rows the store would hold for them.
 *
 * Stage graph: layers dev → test → uat → staging → canary → prod → prod-dr,
 * each layer up to three times as wide as the one before (2, 6, 18, ...),
 * the last layer taking what is left. Every Stage past the first layer takes
 * Freight from one upstream Stage of the previous layer, and a quarter of
 * them from a second one too (fan-in), for every Warehouse of the project.
 */
import type { JsonObject } from '@backstage/types';
import {
  KARGO_API_VERSION,
  computeFreightName,
  generateFreightAlias,
  validateManifest,
} from '@kargo-backstage/plugin-kargo-common';
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { ResourceContent, ResourceKey } from '../src/database';
import { keyOf, toContent } from '../src/manifests/conversion';

/** What the fixtures look like, for the printed report. */
export const FIXTURE_DESCRIPTION = [
  'Stages form a layered DAG dev → test → uat → staging → canary → prod → prod-dr, each layer up to 3× as wide as the one before, the last taking the rest; every Stage after the first layer takes Freight from one upstream Stage of the previous layer (a quarter of them from two: fan-in), for every Warehouse of its project, with a 7-step promotion template (git-clone … argocd-update), vars, and for prod layers a soak time and verification',
  'Freight: an image (tag, digest, annotation) plus, for 2 of the 3 Warehouses, a Git commit; named by computeFreightName, with an alias and discoveredAt one every 20/45/60 min on average per Warehouse; the Freight Stages hold carries status.currentlyIn/verifiedIn',
  'Stage status: freightHistory of 3 collections (current first, one item per Warehouse with its images/commits), 3 conditions, health, lastPromotion',
];

/** Fixed "now" of the fixtures, so every run stores the same data. */
const T0 = Date.parse('2026-06-01T12:00:00Z');
const GITOPS_REPO = 'https://github.com/acme/gitops.git';
const LAYER_NAMES = [
  'dev',
  'test',
  'uat',
  'staging',
  'canary',
  'prod',
  'prod-dr',
];

/** mulberry32: a small seeded PRNG, so fixtures are identical every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (algorithm: 'sha1' | 'sha256', text: string) =>
  createHash(algorithm).update(text).digest('hex');

/** Seconds-precision RFC 3339, as Kargo writes timestamps. */
const rfc3339 = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Manifest = JsonObject & { kind: string; metadata: JsonObject };

// ---------------------------------------------------------------------------
// Warehouses

type WarehouseDef = {
  name: string;
  image: string;
  git?: string;
  /** Mean minutes between two discovered Freight. */
  everyMinutes: number;
  /** Share of the project's Freight. */
  share: number;
};

const WAREHOUSES: WarehouseDef[] = [
  {
    name: 'app',
    image: 'ghcr.io/acme/app',
    git: 'https://github.com/acme/app-config.git',
    everyMinutes: 20,
    share: 0.5,
  },
  {
    name: 'sidecar',
    image: 'ghcr.io/acme/sidecar',
    everyMinutes: 45,
    share: 0.3,
  },
  {
    name: 'platform',
    image: 'ghcr.io/acme/platform-operator',
    git: 'https://github.com/acme/platform.git',
    everyMinutes: 60,
    share: 0.2,
  },
];

function projectManifest(project: string): Manifest {
  return {
    apiVersion: KARGO_API_VERSION,
    kind: 'Project',
    metadata: { name: project, labels: { team: 'platform' } },
  };
}

function warehouseManifest(project: string, w: WarehouseDef): Manifest {
  const subscriptions: JsonObject[] = [
    {
      image: {
        repoURL: w.image,
        imageSelectionStrategy: 'SemVer',
        constraint: '^1.0.0',
        discoveryLimit: 20,
      },
    },
  ];
  if (w.git) {
    subscriptions.push({
      git: {
        repoURL: w.git,
        branch: 'main',
        commitSelectionStrategy: 'NewestFromBranch',
      },
    });
  }
  return {
    apiVersion: KARGO_API_VERSION,
    kind: 'Warehouse',
    metadata: { name: w.name, namespace: project },
    spec: { interval: '5m0s', subscriptions },
  };
}

// ---------------------------------------------------------------------------
// Stages

export type StagePlan = { name: string; layer: number; upstream: string[] };

export function planStages(count: number, random: () => number): StagePlan[] {
  const layers: StagePlan[][] = [];
  let remaining = count;
  for (let layer = 0; remaining > 0; layer++) {
    const wanted =
      layer === LAYER_NAMES.length - 1 ? remaining : 2 * 3 ** layer;
    const width = Math.min(wanted, remaining);
    const prefix = LAYER_NAMES[layer] ?? `tier${layer}`;
    const previous = layers[layer - 1] ?? [];
    const plans: StagePlan[] = [];
    for (let i = 0; i < width; i++) {
      const upstream: string[] = [];
      if (previous.length) {
        const primary = Math.floor((i * previous.length) / width);
        upstream.push(previous[primary].name);
        if (previous.length > 1 && random() < 0.25) {
          upstream.push(previous[(primary + 1) % previous.length].name);
        }
      }
      plans.push({
        name: `${prefix}-${String(i + 1).padStart(3, '0')}`,
        layer,
        upstream,
      });
    }
    layers.push(plans);
    remaining -= width;
  }
  return layers.flat();
}

function stageManifest(
  project: string,
  plan: StagePlan,
  warehouses: WarehouseDef[],
): Manifest {
  const { name, layer, upstream } = plan;
  const prod = name.startsWith('prod');
  return {
    apiVersion: KARGO_API_VERSION,
    kind: 'Stage',
    metadata: {
      name,
      namespace: project,
      annotations: { 'kargo.akuity.io/color': prod ? 'red' : 'blue' },
    },
    spec: {
      vars: [
        { name: 'env', value: name },
        { name: 'gitopsRepo', value: GITOPS_REPO },
      ],
      requestedFreight: warehouses.map(w => ({
        origin: { kind: 'Warehouse', name: w.name },
        sources:
          layer === 0
            ? {
                direct: true,
                autoPromotionOptions: { selectionPolicy: 'NewestFreight' },
              }
            : { stages: upstream, ...(prod ? { requiredSoakTime: '1h' } : {}) },
      })),
      promotionTemplate: {
        spec: {
          steps: [
            {
              uses: 'git-clone',
              config: {
                repoURL: '${{ vars.gitopsRepo }}',
                checkout: [
                  { branch: 'main', path: './src' },
                  { branch: `stage/${name}`, create: true, path: './out' },
                ],
              },
            },
            { uses: 'git-clear', config: { path: './out' } },
            {
              uses: 'kustomize-set-image',
              as: 'update-image',
              config: {
                path: `./src/env/${name}`,
                images: warehouses.map(w => ({ image: w.image })),
              },
            },
            {
              uses: 'kustomize-build',
              config: { path: `./src/env/${name}`, outPath: './out' },
            },
            {
              uses: 'git-commit',
              as: 'commit',
              config: {
                path: './out',
                message: '${{ outputs["update-image"].commitMessage }}',
              },
            },
            {
              uses: 'git-push',
              config: { path: './out', targetBranch: `stage/${name}` },
            },
            {
              uses: 'argocd-update',
              config: {
                apps: [
                  {
                    name: `app-${name}`,
                    sources: [
                      {
                        repoURL: GITOPS_REPO,
                        desiredRevision: '${{ outputs.commit.commit }}',
                      },
                    ],
                  },
                ],
              },
            },
          ],
        },
      },
      ...(prod
        ? {
            verification: {
              analysisTemplates: [{ name: 'smoke-test' }],
              args: [{ name: 'env', value: name }],
            },
          }
        : {}),
    },
  };
}

// ---------------------------------------------------------------------------
// Freight

type Freight = {
  manifest: Manifest;
  name: string;
  origin: string;
  discoveredAt: number;
};

/** `count` Freight of one Warehouse, newest first. */
function freightOf(
  project: string,
  w: WarehouseDef,
  count: number,
  random: () => number,
  aliases: Set<string>,
): Freight[] {
  const out: Freight[] = [];
  let at = T0 - random() * w.everyMinutes * 60_000;
  for (let newest = 0; newest < count; newest++) {
    const serial = count - newest; // 1 = oldest
    const tag = `1.${Math.floor(serial / 100)}.${serial % 100}`;
    const origin = { kind: 'Warehouse', name: w.name };
    const images = [
      {
        repoURL: w.image,
        tag,
        digest: `sha256:${hex('sha256', `${w.image}:${tag}`)}`,
        annotations: {
          'org.opencontainers.image.revision': hex(
            'sha1',
            `${w.name}-${serial}`,
          ),
        },
      },
    ];
    const commits = w.git
      ? [
          {
            repoURL: w.git,
            id: hex('sha1', `${w.git}#${serial}`),
            branch: 'main',
            message: `Bump ${w.name} to ${tag} (#${1000 + serial})`,
            author: 'Dependency Bot <bot@acme.example>',
            committer: 'GitHub <noreply@github.com>',
          },
        ]
      : undefined;
    const content = { origin, images, ...(commits ? { commits } : {}) };
    const name = computeFreightName(content as any);
    const base = generateFreightAlias(random);
    let alias = base;
    for (let n = 1; aliases.has(alias); n++) {
      alias = `${base}-${n}`;
    }
    aliases.add(alias);
    const discoveredAt = Math.floor(at / 1000) * 1000;
    out.push({
      name,
      origin: w.name,
      discoveredAt,
      manifest: {
        apiVersion: KARGO_API_VERSION,
        kind: 'Freight',
        metadata: { name, namespace: project },
        alias,
        ...content,
        discoveredAt: rfc3339(discoveredAt),
      },
    });
    at -= w.everyMinutes * 60_000 * (0.5 + random());
  }
  return out;
}

/** The FreightReference Kargo keeps in a Stage's freightHistory. */
function freightReference(f: Freight): JsonObject {
  const { origin, images, commits } = f.manifest;
  return {
    name: f.name,
    origin,
    images,
    ...(commits ? { commits } : {}),
  } as JsonObject;
}

// ---------------------------------------------------------------------------
// Validation and store content

export type StoreItem = {
  key: ResourceKey;
  content: ResourceContent;
  status: JsonObject;
};

/** Validates like the API does (defaults filled in) and converts to store content. */
export function toStoreItem(
  manifest: Manifest,
  status: JsonObject = {},
): StoreItem {
  const result = validateManifest(manifest);
  if (!result.ok) {
    throw new Error(
      `fixture ${manifest.kind} ${
        manifest.metadata.name
      } is invalid: ${result.issues
        .map(i => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const resource = result.resource as unknown as Manifest & { kind: any };
  return { key: keyOf(resource), content: toContent(resource), status };
}

/** The row DatabaseKargoStore.createResource writes, for the raw baselines. */
export function toRow(item: StoreItem, uid: string, now: number) {
  const { key, content, status } = item;
  return {
    uid,
    kind: key.kind,
    project: key.project,
    name: key.name,
    resource_version: 1,
    generation: 1,
    metadata: JSON.stringify(content.metadata),
    spec: JSON.stringify(content.spec),
    status: JSON.stringify(status),
    alias: content.alias ?? null,
    origin: content.origin ?? null,
    stage: content.stage ?? null,
    sort_at: content.sortAt ?? now,
    created_at: now,
    updated_at: now,
  };
}

// ---------------------------------------------------------------------------
// The two data sets

/** The AnalysisTemplate the prod layers' verification names. */
function smokeTestManifest(project: string): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'smoke-test', namespace: project },
    spec: {
      metrics: [
        {
          name: 'ready',
          count: 3,
          interval: '10s',
          successCondition: 'result == true',
          provider: {
            web: {
              url: 'https://app.example.com/ready',
              jsonPath: '{$.ready}',
            },
          },
        },
      ],
    },
  } as unknown as Manifest;
}

/**
 * Apply benchmark: Project + 1 Warehouse + the AnalysisTemplate + (count -
 * 3) Stages as one multi-document YAML body, the way `kargo apply -f
 * pipeline.yaml` sends it.
 */
export function applyFixture(project: string, count: number) {
  const random = seededRandom(1);
  const warehouses = [WAREHOUSES[0]];
  const plans = planStages(count - 3, random);
  const manifests = [
    projectManifest(project),
    warehouseManifest(project, warehouses[0]),
    smokeTestManifest(project),
    ...plans.map(p => stageManifest(project, p, warehouses)),
  ];
  return {
    manifests,
    yaml: manifests.map(m => stringify(m)).join('---\n'),
    layers: layerSummary(plans),
    items: manifests.map(m => toStoreItem(m)),
  };
}

export function layerSummary(plans: StagePlan[]): string {
  const widths: number[] = [];
  for (const p of plans) widths[p.layer] = (widths[p.layer] ?? 0) + 1;
  return widths.join(' → ');
}

/**
 * List/pipeline benchmark: one project with 3 Warehouses, `freightCount`
 * Freight (50/30/20 % over the Warehouses, one every 20/45/60 min on
 * average) and `stageCount` Stages requesting Freight from all three. Every
 * Stage holds current Freight in `status.freightHistory[0]`: a Stage in
 * layer k holds roughly the (3k..3k+2)-th newest Freight of each origin.
 */
export function loadFixture(
  project: string,
  stageCount: number,
  freightCount: number,
) {
  const random = seededRandom(2);
  const aliases = new Set<string>();
  const freightByOrigin = new Map<string, Freight[]>();
  let assigned = 0;
  WAREHOUSES.forEach((w, i) => {
    const count =
      i === WAREHOUSES.length - 1
        ? freightCount - assigned
        : Math.round(freightCount * w.share);
    assigned += count;
    freightByOrigin.set(w.name, freightOf(project, w, count, random, aliases));
  });

  const plans = planStages(stageCount, random);
  const freightStatus = new Map<
    string,
    { currentlyIn: JsonObject; verifiedIn: JsonObject }
  >();
  const stages: StoreItem[] = plans.map(plan => {
    const promotedAt = T0 - plan.layer * 6 * 3600_000;
    const history: JsonObject[] = [0, 1, 2].map(back => {
      const items: JsonObject = {};
      for (const w of WAREHOUSES) {
        const list = freightByOrigin.get(w.name)!;
        const index = Math.min(
          list.length - 1,
          plan.layer * 3 + back * 3 + Math.floor(random() * 3),
        );
        items[`Warehouse/${w.name}`] = freightReference(list[index]);
      }
      const names = Object.values(items)
        .map(i => (i as JsonObject).name)
        .sort()
        .join(',');
      return { id: hex('sha1', names), items };
    });
    for (const ref of Object.values(history[0].items as JsonObject)) {
      const name = (ref as JsonObject).name as string;
      const status = freightStatus.get(name) ?? {
        currentlyIn: {},
        verifiedIn: {},
      };
      status.currentlyIn[plan.name] = { since: rfc3339(promotedAt) };
      status.verifiedIn[plan.name] = {
        verifiedAt: rfc3339(promotedAt + 300_000),
      };
      freightStatus.set(name, status);
    }
    const condition = (type: string, reason: string) => ({
      type,
      status: 'True',
      reason,
      message: '',
      observedGeneration: 1,
      lastTransitionTime: rfc3339(promotedAt),
    });
    const status: JsonObject = {
      observedGeneration: 1,
      conditions: [
        condition('Ready', 'Ready'),
        condition('Healthy', 'Healthy'),
        condition('Verified', 'Verified'),
      ],
      freightHistory: history,
      health: { status: 'Healthy' },
      lastPromotion: {
        name: `${plan.name}.01j${hex('sha1', plan.name).slice(0, 23)}.${(
          history[0].id as string
        ).slice(0, 7)}`,
        finishedAt: rfc3339(promotedAt),
        status: { phase: 'Succeeded', finishedAt: rfc3339(promotedAt) },
      },
    };
    return toStoreItem(stageManifest(project, plan, WAREHOUSES), status);
  });

  const allFreight = [...freightByOrigin.values()].flat();
  const freight = allFreight.map(f =>
    toStoreItem(f.manifest, freightStatus.get(f.name) ?? {}),
  );
  return {
    project: toStoreItem(projectManifest(project)),
    warehouses: WAREHOUSES.map(w => toStoreItem(warehouseManifest(project, w))),
    stages,
    freight,
    /** Names of the Freight some Stage currently holds. */
    currentFreight: [...freightStatus.keys()],
    layers: layerSummary(plans),
  };
}
