import {
  KARGO_ALIAS_LABEL,
  type KargoManifest,
  type ProjectPipeline,
} from '@kargo-backstage/plugin-kargo-common';
import { TERMINAL_PHASES } from '../promotions/promotionOutcome';

/** Freight as an assistant needs it: which, from where, with what. */
export type FreightSummary = {
  name: string;
  alias?: string;
  origin?: string;
  /** `repo:tag`, `repo@commit`, `chart:version`…, one per artifact. */
  artifacts: string[];
};

export type StageSummary = {
  name: string;
  /** The Freight the Stage holds now (one per origin it requests). */
  freight: FreightSummary[];
  /** Kargo's health status (Healthy, Unhealthy, Progressing, Unknown…). */
  health?: string;
  /** Phase of the newest verification of the current Freight. */
  verification?: string;
  /** A Promotion of this Stage that has not finished, if any. */
  promotion?: { name: string; phase: string; freight?: string };
};

type Json = Record<string, any>;

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Short, human forms of a Freight's artifacts (not Kargo's hash input). */
function artifactsOf(freight: Json): string[] {
  const images = (freight.images ?? []) as Json[];
  const commits = (freight.commits ?? []) as Json[];
  const charts = (freight.charts ?? []) as Json[];
  const generic = (freight.artifacts ?? []) as Json[];
  return [
    ...images.map(i => `${i.repoURL}${i.tag ? `:${i.tag}` : `@${i.digest}`}`),
    ...commits.map(
      c => `${c.repoURL}@${c.tag ?? String(c.id ?? '').slice(0, 12)}`,
    ),
    ...charts.map(
      c => `${c.repoURL}${c.name ? `/${c.name}` : ''}:${c.version}`,
    ),
    ...generic.map(a => `${a.subscriptionName}:${a.version}`),
  ];
}

function stageSummary(
  stage: KargoManifest,
  freight: Map<string, Json>,
  promotions: KargoManifest[],
): StageSummary {
  const status = (stage.status ?? {}) as Json;
  const current = ((status.freightHistory ?? []) as Json[])[0];
  const held = Object.values((current?.items ?? {}) as Record<string, Json>);
  const verification = ((current?.verificationHistory ?? []) as Json[])[0];
  // Newest first: the first unfinished one is the one running or next.
  const active = promotions.find(p => {
    const spec = (p.spec ?? {}) as Json;
    const phase = ((p.status ?? {}) as Json).phase;
    return (
      spec.stage === stage.metadata.name && !TERMINAL_PHASES.has(String(phase))
    );
  });
  return {
    name: stage.metadata.name,
    freight: held.map(ref => {
      const full = freight.get(ref.name) ?? ref;
      const alias = str(
        full.alias ?? full.metadata?.labels?.[KARGO_ALIAS_LABEL],
      );
      return {
        name: String(ref.name),
        ...(alias ? { alias } : {}),
        ...(str(ref.origin?.name) ? { origin: ref.origin.name } : {}),
        artifacts: artifactsOf(full),
      };
    }),
    ...(str(status.health?.status) ? { health: status.health.status } : {}),
    ...(str(verification?.phase) ? { verification: verification.phase } : {}),
    ...(active
      ? {
          promotion: {
            name: active.metadata.name,
            phase: String(((active.status ?? {}) as Json).phase ?? 'Pending'),
            ...(str((active.spec as Json)?.freight)
              ? { freight: (active.spec as Json).freight }
              : {}),
          },
        }
      : {}),
  };
}

/**
 * One project's Stages, summarised from what the entity tab's loader
 * answers ({@link EntityPipelineLoader.loadProject}), in pipeline order.
 */
export function summarizePipeline(pipeline: ProjectPipeline): StageSummary[] {
  const freight = new Map(
    pipeline.freight.map(f => [f.metadata.name, f as unknown as Json]),
  );
  return pipeline.stages.map(s =>
    stageSummary(s, freight, pipeline.promotions),
  );
}
