import type { JsonObject } from '@backstage/types';
import type {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  StageHealthChecker,
  StageHealthResult,
  StageHealthStatus,
} from '@kargo-backstage/plugin-kargo-node';
import { Knex } from 'knex';
import { DatabaseAnalysisRuns, StoredResource } from '../../database';
import { createEngineHarness } from '../../promotions/__testUtils__/engineHarness';
import { EgressPolicy } from '../../promotions/steps/http/egressPolicy';
import { ConfigSecretsProvider } from '../../secrets';
import { createMetricProviders } from '../../verification/analysis';
import { AnalysisVerifier } from '../AnalysisVerifier';
import { listFreightForStage } from '../freightForStage';
import { StageService } from '../StageService';
import { stagesAffectedBy } from '../stagesAffectedBy';
import type { StageVerifier, VerifiedCollection } from '../verification';

export const PROJECT = 'shop';
export const USER = 'user:default/ann';

/** A door a test step waits at until the test opens it. */
export class Gate {
  private arrived!: () => void;
  private opener!: () => void;
  /** Resolves once a step reached the gate. */
  readonly reached = new Promise<void>(resolve => {
    this.arrived = resolve;
  });
  readonly opened = new Promise<void>(resolve => {
    this.opener = resolve;
  });
  arrive() {
    this.arrived();
  }
  open() {
    this.opener();
  }
}

/**
 * The `deploy` test step: succeeds, unless the test said the Freight fails
 * (business failure), errors (throws), or must wait at a gate. With
 * `config.app` it registers a health check for it, of the fake checker
 * unless `config.checker` names another.
 */
export class DeployScript {
  readonly failing = new Set<string>();
  readonly erroring = new Set<string>();
  readonly gates = new Map<string, Gate>();
  readonly runs: Array<{ stage: string; freight: string }> = [];

  readonly steps: PromotionStepRunner[] = [
    { name: 'deploy', run: ctx => this.run(ctx) },
  ];

  private async run(ctx: PromotionStepContext): Promise<PromotionStepResult> {
    const freight = ctx.targetFreight.name;
    this.runs.push({ stage: ctx.stage, freight });
    const waitAt = this.gates.get(freight);
    if (waitAt) {
      waitAt.arrive();
      await Promise.race([
        waitAt.opened,
        new Promise(resolve =>
          ctx.signal.addEventListener('abort', resolve, { once: true }),
        ),
      ]);
      if (ctx.signal.aborted) return { status: 'Failed', message: 'aborted' };
    }
    if (this.erroring.has(freight)) throw new Error(`${freight} exploded`);
    if (this.failing.has(freight)) {
      return { status: 'Failed', message: `${freight} was refused` };
    }
    const app = ctx.config.app;
    return {
      status: 'Succeeded',
      ...(typeof app === 'string'
        ? {
            healthCheck: {
              uses: String(ctx.config.checker ?? 'fake'),
              config: { app },
            },
          }
        : {}),
    };
  }
}

/** A Stage health checker the test steers: one status per `config.app`. */
export class FakeHealthChecker implements StageHealthChecker {
  readonly name = 'fake';
  readonly states = new Map<string, StageHealthStatus>();
  calls = 0;

  async check(context: { config: JsonObject }): Promise<StageHealthResult> {
    this.calls += 1;
    const app = String(context.config.app);
    const status = this.states.get(app) ?? 'Unknown';
    return {
      status,
      ...(status === 'Healthy' ? {} : { issues: [`${app} is ${status}`] }),
      output: { app, status },
    };
  }
}

type Request = {
  origin?: string;
  direct?: boolean;
  stages?: string[];
  requiredSoakTime?: string;
  availabilityStrategy?: 'All' | 'OneOf';
};

/** Manifests are JSON documents here (YAML reads JSON). */
export const manifests = (...docs: object[]) =>
  docs.map(d => JSON.stringify(d)).join('\n---\n');

export function projectDocs(warehouses: string[] = ['app']): object[] {
  return [
    {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Project',
      metadata: { name: PROJECT },
    },
    ...warehouses.map(name => ({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Warehouse',
      metadata: { name, namespace: PROJECT },
      spec: {
        subscriptions: [{ image: { repoURL: `registry.example.com/${name}` } }],
      },
    })),
  ];
}

/**
 * A Stage. `steps` defaults to one `deploy` step (with `app`, it registers
 * a health check); `null` makes a control-flow Stage.
 */
export function stageDoc(
  name: string,
  options: {
    requested: Request[];
    steps?: object[] | null;
    app?: string;
    verification?: object;
    labels?: Record<string, string>;
  },
): object {
  const steps =
    options.steps === null
      ? undefined
      : options.steps ?? [
          {
            uses: 'deploy',
            ...(options.app ? { config: { app: options.app } } : {}),
          },
        ];
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: {
      name,
      namespace: PROJECT,
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      requestedFreight: options.requested.map(r => ({
        origin: { kind: 'Warehouse', name: r.origin ?? 'app' },
        sources: {
          ...(r.direct ? { direct: true } : {}),
          ...(r.stages ? { stages: r.stages } : {}),
          ...(r.requiredSoakTime
            ? { requiredSoakTime: r.requiredSoakTime }
            : {}),
          ...(r.availabilityStrategy
            ? { availabilityStrategy: r.availabilityStrategy }
            : {}),
        },
      })),
      ...(steps ? { promotionTemplate: { spec: { steps } } } : {}),
      ...(options.verification ? { verification: options.verification } : {}),
    },
  };
}

/** Freight `<origin>-<n>`, discovered n seconds into 2030 (newest = highest n). */
export function freightDoc(n: number, origin = 'app'): object {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Freight',
    metadata: { name: `${origin}-${n}`, namespace: PROJECT },
    alias: `${origin}-v${n}`,
    origin: { kind: 'Warehouse', name: origin },
    discoveredAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString(),
    images: [
      {
        repoURL: `registry.example.com/${origin}`,
        tag: `1.${n}.0`,
        digest: `sha256:${String(n).padStart(64, '0')}`,
      },
    ],
  };
}

/** An AnalysisTemplate with one web metric on `{{args.url}}`. */
export function webTemplateDoc(
  name: string,
  metric: { count?: number; interval?: string } = {},
): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: PROJECT },
    spec: {
      args: [{ name: 'url' }],
      metrics: [
        {
          name: 'smoke',
          ...metric,
          successCondition: 'result == true',
          provider: { web: { url: '{{args.url}}', jsonPath: '{$.ok}' } },
        },
      ],
    },
  };
}

export function projectConfigDoc(policies: object[]): object {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'ProjectConfig',
    metadata: { name: PROJECT, namespace: PROJECT },
    spec: { promotionPolicies: policies },
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Waits for `promise`, failing after `ms` (so a missed event fails fast). */
export async function within<T>(
  promise: Promise<T>,
  what: string,
  ms = 10_000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The engine harness with the Stage engine wired as the plugin wires it:
 * a steerable health checker, the `deploy` test step, the real
 * AnalysisVerifier (web metrics, loopback allowed), applies that make the
 * Stages they concern due, and the StageService.
 */
export async function createStageKit(knex: Knex) {
  const checker = new FakeHealthChecker();
  const script = new DeployScript();
  // The verifier needs the harness's store: handed over once it exists.
  const analysis: { verifier?: AnalysisVerifier } = {};
  const verifier: StageVerifier = {
    start: input => analysis.verifier!.start(input),
    advance: input => analysis.verifier!.advance(input),
    abort: input => analysis.verifier!.abort(input),
  };
  const harness = await createEngineHarness(knex, {
    steps: script.steps,
    healthCheckers: [checker],
    verifier,
  });
  const { store } = harness;
  const runs = new DatabaseAnalysisRuns(knex);
  analysis.verifier = new AnalysisVerifier({
    store,
    runs,
    providers: createMetricProviders({ egress: new EgressPolicy() }),
    secrets: new ConfigSecretsProvider([]),
  });
  const stages = new StageService({
    store,
    touch: refs => harness.stageQueue.touch(refs),
    promote: (p, s, r, a) => harness.service.create(p, s, r, a),
  });

  const kit = {
    harness,
    store,
    checker,
    script,
    runs,
    stages,
    /** Applies as the plugin does: the Stages it concerns become due. */
    async apply(...docs: object[]) {
      const results = await harness.apply(manifests(...docs));
      await harness.stageQueue.touch(await stagesAffectedBy(store, results));
      return results;
    },
    async stage(name: string): Promise<StoredResource> {
      const stage = await store.getResource({
        kind: 'Stage',
        project: PROJECT,
        name,
      });
      if (!stage) throw new Error(`no Stage ${name}`);
      return stage;
    },
    async freight(name: string): Promise<StoredResource> {
      const freight = await store.getFreight(PROJECT, name);
      if (!freight) throw new Error(`no Freight ${name}`);
      return freight;
    },
    async health(stage: string): Promise<string | undefined> {
      const s = await kit.stage(stage);
      return (s.status.health as { status?: string } | undefined)?.status;
    },
    async verifiedIn(freight: string): Promise<string[]> {
      const f = await kit.freight(freight);
      return Object.keys((f.status.verifiedIn ?? {}) as JsonObject).sort();
    },
    async current(stage: string): Promise<VerifiedCollection | undefined> {
      const s = await kit.stage(stage);
      return (s.status.freightHistory as VerifiedCollection[] | undefined)?.[0];
    },
    /** Freight names per origin key of the Stage's current collection. */
    async currentItems(stage: string): Promise<Record<string, string>> {
      const c = await kit.current(stage);
      return Object.fromEntries(
        Object.entries(c?.items ?? {}).map(([k, v]) => [k, v.name]),
      );
    },
    async condition(stage: string, type: string) {
      const s = await kit.stage(stage);
      return (s.status.conditions as Array<{ type: string }> | undefined)?.find(
        c => c.type === type,
      ) as
        | { type: string; status: string; reason: string; message?: string }
        | undefined;
    },
    promote: (stage: string, freight: string, actor = USER) =>
      harness.service.create(PROJECT, stage, { freight }, actor),
    async promotionsOf(stage: string): Promise<StoredResource[]> {
      const { items } = await store.listResources({
        kind: 'Promotion',
        project: PROJECT,
        stages: [stage],
        order: 'newest',
      });
      return items;
    },
    async promotion(name: string): Promise<StoredResource> {
      const p = await harness.promotion(PROJECT, name);
      if (!p) throw new Error(`no Promotion ${name}`);
      return p;
    },
    /** Names of the Freight available to the Stage, and what is not. */
    async availableTo(stage: string, now?: number) {
      const page = await listFreightForStage(store, PROJECT, stage, {
        limit: 50,
        ...(now !== undefined ? { now } : {}),
      });
      return {
        names: page.items.map(f => f.name),
        unavailable: page.unavailable,
      };
    },
    /** One round of both engines, waited out. */
    async tick() {
      await harness.engine.tick();
      await harness.engine.idle();
      await harness.stageEngine.tick();
      await harness.stageEngine.idle();
    },
    /**
     * Ticks both engines until `probe` answers something truthy; for what
     * takes real time (a metric's interval, a soak), bounded.
     */
    async until<T>(
      probe: () => Promise<T | undefined | false | null>,
      what: string,
      timeoutMs = 10_000,
    ): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await kit.tick();
        const value = await probe();
        if (value) return value;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}`,
          );
        }
        await sleep(20);
      }
    },
    /** When the Stage was last reconciled and is next due (epoch ms). */
    async schedule(
      stage: string,
    ): Promise<{ dueAt?: number; reconciledAt?: number }> {
      const row = await knex('kargo_stage_queue')
        .where({ project: PROJECT, name: stage })
        .first('due_at', 'reconciled_at');
      const num = (v: unknown) =>
        v === null || v === undefined ? undefined : Number(v);
      return { dueAt: num(row?.due_at), reconciledAt: num(row?.reconciled_at) };
    },
    /** How long after its last reconciliation the Stage is due again (ms). */
    async recheckAfter(stage: string): Promise<number | undefined> {
      const { dueAt, reconciledAt } = await kit.schedule(stage);
      return dueAt === undefined || reconciledAt === undefined
        ? undefined
        : dueAt - reconciledAt;
    },
    /** Makes a Stage's scheduled re-check due now (time passing, for tests). */
    async dueNow(stage: string) {
      await knex('kargo_stage_queue')
        .where({ project: PROJECT, name: stage })
        .whereNotNull('due_at')
        .update({ due_at: 0 });
    },
    close: () => harness.close(),
  };
  return kit;
}

export type StageKit = Awaited<ReturnType<typeof createStageKit>>;
