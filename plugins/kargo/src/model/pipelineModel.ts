import type {
  KargoManifest,
  ProjectPipeline,
} from '@kargo-backstage/plugin-kargo-common';
import { describeFreightNamed } from './artifacts';
import type {
  PromotionSpec,
  PromotionStatus,
  RequestedFreight,
  StageStatus,
} from './kargoTypes';
import { stageColors } from './stageColors';

/** The Freight a Stage holds of one origin. */
export type CurrentFreight = {
  origin: string;
  freightName: string;
  /** Absent when the answer did not carry it (only the name is known). */
  freight?: KargoManifest;
  /** `calm-fox (web:1.4.0)`. */
  label: string;
};

/** The step a running Promotion is at. */
export type PromotionStep = {
  /** 1-based, for people. */
  number: number;
  count: number;
  alias: string;
  uses?: string;
  status?: string;
  message?: string;
};

export type RunningPromotion = {
  name: string;
  phase: string;
  step?: PromotionStep;
};

/** Everything the pipeline views show about one Stage, computed once. */
export type StageView = {
  name: string;
  color: string;
  manifest: KargoManifest;
  requested: RequestedFreight[];
  /** `guestbook from Warehouse; infra from dev`. */
  sources: string;
  /** Warehouses it takes Freight from directly. */
  directFrom: string[];
  /** Stages it takes Freight from. */
  upstreams: string[];
  /** Stages taking Freight from it, with the origins they take. */
  downstreams: Array<{ stage: string; origins: string[] }>;
  current: CurrentFreight[];
  health: string;
  healthIssues: string[];
  /** The current Freight's latest verification, if any ran. */
  verification?: { phase: string; message?: string };
  autoPromotion: boolean;
  /** Origins whose auto-promotion a manual promotion holds back. */
  holds: Array<{ origin: string; freightName?: string; actor?: string }>;
  running?: RunningPromotion;
  lastPromotion?: { name?: string; phase: string; message?: string };
  /** No promotion steps: Freight passes through (Kargo's control flow). */
  controlFlow: boolean;
};

export type PipelineModel = {
  project: string;
  stages: StageView[];
  stagesByName: Map<string, StageView>;
  warehouses: KargoManifest[];
  freightByName: Map<string, KargoManifest>;
  colors: Map<string, string>;
};

function describeSources(requested: RequestedFreight[]): string {
  return requested
    .map(r => {
      const from = [
        ...(r.sources.direct ? ['Warehouse'] : []),
        ...(r.sources.stages ?? []),
      ];
      return `${r.origin.name} from ${from.join(', ')}`;
    })
    .join('; ');
}

function currentFreightOf(
  status: StageStatus | undefined,
  freightByName: Map<string, KargoManifest>,
): CurrentFreight[] {
  const items = status?.freightHistory?.[0]?.items ?? {};
  return Object.entries(items).flatMap(([key, ref]) => {
    if (!ref.name) return [];
    const freight = freightByName.get(ref.name);
    return [
      {
        origin: ref.origin?.name ?? key.replace(/^Warehouse\//, ''),
        freightName: ref.name,
        freight,
        label: describeFreightNamed(ref.name, freight),
      },
    ];
  });
}

function stepOf(promotion: KargoManifest): PromotionStep | undefined {
  const spec = promotion.spec as PromotionSpec | undefined;
  const status = promotion.status as PromotionStatus | undefined;
  const steps = spec?.steps ?? [];
  const index = status?.currentStep ?? 0;
  if (!steps.length || index >= steps.length) return undefined;
  const meta = status?.stepExecutionMetadata?.[index];
  return {
    number: index + 1,
    count: steps.length,
    alias: meta?.alias ?? steps[index].as ?? `step-${index}`,
    uses: steps[index].uses ?? steps[index].task?.name,
    status: meta?.status,
    message: meta?.message,
  };
}

/**
 * The Stage's running Promotion: the one the Stage names as current, else
 * one of its Promotions that says it runs (the Stage lags a little).
 */
function runningPromotionOf(
  stage: string,
  status: StageStatus | undefined,
  promotionsByName: Map<string, KargoManifest>,
  runningByStage: Map<string, KargoManifest>,
): RunningPromotion | undefined {
  const name = status?.currentPromotion?.name;
  const promotion =
    (name ? promotionsByName.get(name) : undefined) ??
    runningByStage.get(stage);
  if (!promotion) {
    return name ? { name, phase: 'Running' } : undefined;
  }
  const phase = (promotion.status as PromotionStatus | undefined)?.phase;
  if (phase && phase !== 'Running' && phase !== 'Pending') return undefined;
  return {
    name: promotion.metadata.name,
    phase: phase ?? 'Pending',
    step: stepOf(promotion),
  };
}

function isControlFlow(stage: KargoManifest): boolean {
  const template = stage.spec?.promotionTemplate as
    | { spec?: { steps?: unknown[] } }
    | undefined;
  return !template?.spec?.steps?.length;
}

/** Upstream Stage → the Stages that take Freight from it, by origin. */
function downstreamIndex(
  stages: KargoManifest[],
): Map<string, StageView['downstreams']> {
  const index = new Map<string, Map<string, string[]>>();
  for (const stage of stages) {
    const requested = (stage.spec?.requestedFreight ??
      []) as RequestedFreight[];
    for (const r of requested) {
      for (const upstream of r.sources.stages ?? []) {
        const byStage = index.get(upstream) ?? new Map<string, string[]>();
        index.set(upstream, byStage);
        const origins = byStage.get(stage.metadata.name) ?? [];
        byStage.set(stage.metadata.name, [...origins, r.origin.name]);
      }
    }
  }
  return new Map(
    [...index].map(([upstream, byStage]) => [
      upstream,
      [...byStage].map(([stage, origins]) => ({ stage, origins })),
    ]),
  );
}

/**
 * Everything the views need, derived once per answer from the project's
 * pipeline: lookups by name instead of scans, so rendering 600 Stages stays
 * linear.
 */
export function buildPipelineModel(project: ProjectPipeline): PipelineModel {
  const freightByName = new Map(project.freight.map(f => [f.metadata.name, f]));
  const promotionsByName = new Map(
    project.promotions.map(p => [p.metadata.name, p]),
  );
  const runningByStage = new Map<string, KargoManifest>();
  for (const p of project.promotions) {
    const stage = (p.spec as PromotionSpec | undefined)?.stage;
    const phase = (p.status as PromotionStatus | undefined)?.phase;
    if (stage && phase === 'Running' && !runningByStage.has(stage)) {
      runningByStage.set(stage, p);
    }
  }
  const colors = stageColors(project.stages);
  const downstreamsOf = downstreamIndex(project.stages);
  const stages = project.stages.map((manifest): StageView => {
    const name = manifest.metadata.name;
    const status = manifest.status as StageStatus | undefined;
    const requested = (manifest.spec?.requestedFreight ??
      []) as RequestedFreight[];
    const verification = status?.freightHistory?.[0]?.verificationHistory?.[0];
    const last = status?.lastPromotion;
    return {
      name,
      color: colors.get(name)!,
      manifest,
      requested,
      sources: describeSources(requested),
      directFrom: requested
        .filter(r => r.sources.direct)
        .map(r => r.origin.name),
      upstreams: [...new Set(requested.flatMap(r => r.sources.stages ?? []))],
      downstreams: downstreamsOf.get(name) ?? [],
      current: currentFreightOf(status, freightByName),
      health: status?.health?.status ?? 'Unknown',
      healthIssues: status?.health?.issues ?? [],
      verification: verification?.phase
        ? { phase: verification.phase, message: verification.message }
        : undefined,
      autoPromotion: status?.autoPromotionEnabled === true,
      holds: Object.entries(status?.autoPromotionHolds ?? {}).map(
        ([origin, hold]) => ({
          origin: origin.replace(/^Warehouse\//, ''),
          freightName: hold.freightName,
          actor: hold.actor,
        }),
      ),
      running: runningPromotionOf(
        name,
        status,
        promotionsByName,
        runningByStage,
      ),
      lastPromotion: last?.status?.phase
        ? {
            name: last.name,
            phase: last.status.phase,
            message: last.status.message,
          }
        : undefined,
      controlFlow: isControlFlow(manifest),
    };
  });
  return {
    project: project.name,
    stages,
    stagesByName: new Map(stages.map(s => [s.name, s])),
    warehouses: project.warehouses,
    freightByName,
    colors,
  };
}

/** Stages whose name contains the query (case-insensitive); all when empty. */
export function filterStages(stages: StageView[], query: string): StageView[] {
  const q = query.trim().toLocaleLowerCase('en-US');
  if (!q) return stages;
  return stages.filter(s => s.name.toLocaleLowerCase('en-US').includes(q));
}
