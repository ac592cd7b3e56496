import type { JsonObject } from '@backstage/types';
import { randomUUID } from 'node:crypto';
import type {
  DatabaseAnalysisRuns,
  KargoStore,
  StoredResource,
} from '../database';
import {
  evaluateTemplateString,
  freightCollectionFunctions,
  resolveVars,
  VarDefinition,
} from '../expressions';
import { promotionName } from '../promotions/promotionName';
import type { SecretsProvider } from '../secrets';
import {
  abortAnalysisRun,
  advanceAnalysisRun,
  AnalysisRun,
  createAnalysisRun,
  MetricProvider,
} from '../verification/analysis';
import type {
  StageVerifier,
  VerificationInfo,
  VerificationPhase,
  VerifiedCollection,
} from './verification';

type TemplateRef = { name: string; kind?: string };
type Verification = {
  analysisTemplates?: TemplateRef[];
  args?: Array<{ name: string; value: string }>;
  analysisRunMetadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Stage verification by AnalysisRuns the engine runs itself (web and
 * prometheus metrics), as Kargo runs it through Argo Rollouts: one run of
 * all the Stage's templates per verification, named and labelled as Kargo
 * names them, kept in the database between advances.
 */
export class AnalysisVerifier implements StageVerifier {
  constructor(
    private readonly options: {
      store: KargoStore;
      runs: DatabaseAnalysisRuns;
      providers: readonly MetricProvider[];
      secrets: SecretsProvider;
    },
  ) {}

  async start(input: {
    stage: StoredResource;
    collection: VerifiedCollection;
    actor?: string;
    now: number;
  }): Promise<{ info: VerificationInfo; nextAt?: number }> {
    const { stage, collection, now } = input;
    const verification = stage.spec.verification as Verification;
    const info: VerificationInfo = {
      id: randomUUID(),
      ...(input.actor ? { actor: input.actor } : {}),
      startTime: iso(now),
      phase: 'Pending',
    };
    let templates: StoredResource[];
    let args: Array<{ name: string; value: string }>;
    try {
      templates = await this.templates(stage, verification);
      args = await this.args(stage, collection, verification);
    } catch (error) {
      return {
        info: {
          ...info,
          phase: 'Error',
          finishTime: iso(now),
          message: (error as Error).message,
        },
      };
    }
    const run = createAnalysisRun({
      name: promotionName(stage.name, collection.id, now),
      namespace: stage.project,
      templates,
      args,
      labels: {
        ...verification.analysisRunMetadata?.labels,
        'kargo.akuity.io/stage': stage.name,
        'kargo.akuity.io/freight-collection': collection.id,
      },
      annotations: verification.analysisRunMetadata?.annotations,
      now,
    });
    await this.options.runs.put(run, {
      stage: stage.name,
      freightCollection: collection.id,
      createdAt: now,
    });
    return this.advance({
      ...input,
      info: withRun(info, run),
      signal: undefined,
    });
  }

  async advance(input: {
    stage: StoredResource;
    collection: VerifiedCollection;
    info: VerificationInfo;
    now: number;
    signal?: AbortSignal;
  }): Promise<{ info: VerificationInfo; nextAt?: number }> {
    const { info, now } = input;
    const run = info.analysisRun
      ? await this.options.runs.get(
          info.analysisRun.namespace,
          info.analysisRun.name,
        )
      : undefined;
    if (!run) {
      return {
        info: {
          ...info,
          phase: 'Error',
          finishTime: iso(now),
          message: `AnalysisRun ${info.analysisRun?.name ?? '(none)'} is gone`,
        },
      };
    }
    const advanced = await advanceAnalysisRun(run, {
      now,
      providers: this.options.providers,
      signal: input.signal,
      secrets: this.options.secrets,
    });
    await this.options.runs.put(advanced.run, {
      stage: input.stage.name,
      freightCollection: input.collection.id,
      createdAt: now,
    });
    return { info: withRun(info, advanced.run, now), nextAt: advanced.nextAt };
  }

  async abort(input: {
    stage: StoredResource;
    info: VerificationInfo;
    actor?: string;
    now: number;
  }): Promise<VerificationInfo> {
    const { info, now } = input;
    const ref = info.analysisRun;
    const run = ref && (await this.options.runs.get(ref.namespace, ref.name));
    if (run) {
      const aborted = abortAnalysisRun(run, now);
      await this.options.runs.put(aborted, {
        stage: input.stage.name,
        freightCollection: String(
          aborted.metadata.labels?.['kargo.akuity.io/freight-collection'] ?? '',
        ),
        createdAt: now,
      });
    }
    // As Kargo records an abort: Failed, by whom, the run's own phase aside.
    return {
      ...info,
      actor: input.actor ?? info.actor,
      phase: 'Failed',
      finishTime: iso(now),
      message: 'Verification aborted by user',
      ...(ref ? { analysisRun: { ...ref, phase: 'Failed' } } : {}),
    };
  }

  private async templates(
    stage: StoredResource,
    verification: Verification,
  ): Promise<StoredResource[]> {
    const found: StoredResource[] = [];
    for (const ref of verification.analysisTemplates ?? []) {
      const cluster = ref.kind === 'ClusterAnalysisTemplate';
      const template = await this.options.store.getResource({
        kind: cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate',
        project: cluster ? '' : stage.project,
        name: ref.name,
      });
      if (!template) {
        throw new Error(
          `${cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${
            ref.name
          }" not found`,
        );
      }
      found.push(template);
    }
    return found;
  }

  /** The Stage's verification args, their expressions evaluated. */
  private async args(
    stage: StoredResource,
    collection: VerifiedCollection,
    verification: Verification,
  ): Promise<Array<{ name: string; value: string }>> {
    const functions = freightCollectionFunctions(
      Object.values(collection.items),
    );
    const ctx = { project: stage.project, stage: stage.name };
    const vars = await resolveVars(
      [(stage.spec.vars ?? []) as VarDefinition[]],
      { variables: { ctx }, functions },
    );
    const scope = { variables: { ctx, vars }, functions };
    const out: Array<{ name: string; value: string }> = [];
    for (const [i, arg] of (verification.args ?? []).entries()) {
      try {
        const value = await evaluateTemplateString(String(arg.value), scope);
        out.push({
          name: arg.name,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        });
      } catch (error) {
        throw new Error(
          `spec.verification.args[${i}] (${arg.name}): ${
            (error as Error).message
          }`,
        );
      }
    }
    return out;
  }
}

/** The verification as its run stands. */
function withRun(
  info: VerificationInfo,
  run: AnalysisRun,
  now?: number,
): VerificationInfo {
  const phase = run.status.phase as VerificationPhase;
  const finished = !['Pending', 'Running'].includes(phase);
  return {
    ...info,
    phase,
    ...(run.status.message ? { message: run.status.message } : {}),
    ...(finished && now !== undefined && !info.finishTime
      ? { finishTime: iso(now) }
      : {}),
    analysisRun: {
      namespace: run.metadata.namespace,
      name: run.metadata.name,
      phase: run.status.phase,
    },
  } as VerificationInfo & JsonObject;
}
