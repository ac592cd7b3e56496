import type { JsonObject } from '@backstage/types';
import type { ManifestIssue } from '@kargo-backstage/plugin-kargo-common';
import type { ProjectView } from './ProjectView';

type RequestedFreight = {
  origin?: { kind?: string; name?: string };
  sources?: { direct?: boolean; stages?: string[] };
};

type Step = { task?: { name?: string; kind?: string } };

/** Names of the cluster-scoped kinds a Stage may refer to. */
export type ClusterNames = {
  tasks: Set<string>;
  analysisTemplates: Set<string>;
};

function requestedFreightOf(stageSpec: JsonObject): RequestedFreight[] {
  return (stageSpec.requestedFreight as RequestedFreight[] | undefined) ?? [];
}

function stepsOf(stageSpec: JsonObject): Step[] {
  const template = stageSpec.promotionTemplate as
    | { spec?: { steps?: Step[] } }
    | undefined;
  return template?.spec?.steps ?? [];
}

/** Origins (Warehouse names) a Stage requests Freight from. */
export function originsOf(stageSpec: JsonObject): string[] {
  return requestedFreightOf(stageSpec)
    .map(r => r.origin?.name)
    .filter((n): n is string => Boolean(n));
}

/** Upstream Stage names, over all origins. */
export function upstreamStagesOf(stageSpec: JsonObject): string[] {
  return [
    ...new Set(
      requestedFreightOf(stageSpec).flatMap(r => r.sources?.stages ?? []),
    ),
  ];
}

/** Names of the PromotionTasks / ClusterPromotionTasks a Stage's steps use. */
export function taskRefsOf(
  stageSpec: JsonObject,
): Array<{ index: number; name: string; cluster: boolean }> {
  return stepsOf(stageSpec).flatMap((step, index) =>
    step.task?.name
      ? [
          {
            index,
            name: step.task.name,
            cluster: step.task.kind === 'ClusterPromotionTask',
          },
        ]
      : [],
  );
}

/** The (Cluster)AnalysisTemplates a Stage's verification uses. */
export function analysisTemplateRefsOf(
  stageSpec: JsonObject,
): Array<{ index: number; name: string; cluster: boolean }> {
  const verification = stageSpec.verification as
    | { analysisTemplates?: Array<{ name?: string; kind?: string }> }
    | undefined;
  return (verification?.analysisTemplates ?? []).flatMap((ref, index) =>
    ref.name
      ? [
          {
            index,
            name: ref.name,
            cluster: ref.kind === 'ClusterAnalysisTemplate',
          },
        ]
      : [],
  );
}

/** Checks that what a Stage refers to exists in the project view. */
export function checkStageReferences(
  spec: JsonObject,
  view: ProjectView,
  cluster: ClusterNames,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  requestedFreightOf(spec).forEach((requested, i) => {
    const origin = requested.origin?.name;
    const at = `spec.requestedFreight[${i}]`;
    if (origin && !view.has('Warehouse', origin)) {
      issues.push({
        path: `${at}.origin.name`,
        message: `Warehouse "${origin}" does not exist in project "${view.project}"`,
      });
    }
    (requested.sources?.stages ?? []).forEach((upstream, j) => {
      const path = `${at}.sources.stages[${j}]`;
      const upstreamSpec = view.get('Stage', upstream);
      if (!upstreamSpec) {
        issues.push({
          path,
          message: `Stage "${upstream}" does not exist in project "${view.project}"`,
        });
      } else if (origin && !originsOf(upstreamSpec).includes(origin)) {
        issues.push({
          path,
          message: `Stage "${upstream}" does not request Freight from Warehouse "${origin}", so it cannot pass that Freight on`,
        });
      }
    });
  });
  for (const ref of taskRefsOf(spec)) {
    const exists = ref.cluster
      ? cluster.tasks.has(ref.name)
      : view.has('PromotionTask', ref.name);
    if (!exists) {
      issues.push({
        path: `spec.promotionTemplate.spec.steps[${ref.index}].task.name`,
        message: ref.cluster
          ? `ClusterPromotionTask "${ref.name}" does not exist`
          : `PromotionTask "${ref.name}" does not exist in project "${view.project}"`,
      });
    }
  }
  for (const ref of analysisTemplateRefsOf(spec)) {
    const exists = ref.cluster
      ? cluster.analysisTemplates.has(ref.name)
      : view.has('AnalysisTemplate', ref.name);
    if (!exists) {
      issues.push({
        path: `spec.verification.analysisTemplates[${ref.index}].name`,
        message: ref.cluster
          ? `ClusterAnalysisTemplate "${ref.name}" does not exist`
          : `AnalysisTemplate "${ref.name}" does not exist in project "${view.project}"`,
      });
    }
  }
  return issues;
}

/**
 * Finds a cycle through `start` in the Stage graph (edges run from upstream
 * to downstream), answering the path `start → … → start`, or undefined.
 */
export function findStageCycle(
  view: ProjectView,
  start: string,
): string[] | undefined {
  const upstreamOf = (name: string) => {
    const spec = view.get('Stage', name);
    return spec ? upstreamStagesOf(spec) : [];
  };
  // Walk upstream from `start`; reaching `start` again closes a cycle.
  const visited = new Set<string>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    for (const up of upstreamOf(name)) {
      if (up === start) {
        return [...path, up];
      }
      if (!visited.has(up)) {
        visited.add(up);
        const found = walk(up, [...path, up]);
        if (found) {
          return found;
        }
      }
    }
    return undefined;
  };
  const upstreamPath = walk(start, [start]);
  // Present it in promotion order (downstream last): reverse the walk.
  return upstreamPath?.reverse();
}

/** Resources in the view that refer to `kind/name` (for refusing deletes). */
export function dependentsOf(
  view: ProjectView,
  kind: 'Warehouse' | 'Stage' | 'PromotionTask' | 'AnalysisTemplate',
  name: string,
): string[] {
  const dependents: string[] = [];
  for (const [stage, spec] of view.entries('Stage')) {
    const refers =
      (kind === 'Warehouse' && originsOf(spec).includes(name)) ||
      (kind === 'Stage' && upstreamStagesOf(spec).includes(name)) ||
      (kind === 'PromotionTask' &&
        taskRefsOf(spec).some(t => !t.cluster && t.name === name)) ||
      (kind === 'AnalysisTemplate' &&
        analysisTemplateRefsOf(spec).some(t => !t.cluster && t.name === name));
    if (refers) {
      dependents.push(`Stage "${stage}"`);
    }
  }
  return dependents;
}
