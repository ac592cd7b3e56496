import type { Application } from './application';

/**
 * Proof of consent: only someone allowed to edit the Application can add
 * this annotation, naming the Stage(s) that may change it.
 */
export const AUTHORIZED_STAGE_ANNOTATION = 'kargo.akuity.io/authorized-stage';

/**
 * The Stages an annotation value names: `<project>:<stage>` entries,
 * comma-separated, whitespace ignored. Globs (`*`, once supported) and
 * malformed entries are refused, as Kargo refuses them.
 */
export function parseAuthorizedStages(
  value: string,
): Array<{ project: string; stage: string }> {
  const stages: Array<{ project: string; stage: string }> = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const colon = entry.indexOf(':');
    const project = colon < 0 ? '' : entry.slice(0, colon).trim();
    const stage = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (!project || !stage) {
      throw new Error(
        `invalid authorized Stage "${entry}": expected format "<project>:<stage>"`,
      );
    }
    if (project.includes('*') || stage.includes('*')) {
      throw new Error(
        `invalid authorized Stage "${entry}": deprecated glob expressions are no longer supported`,
      );
    }
    stages.push({ project, stage });
  }
  if (!stages.length) {
    throw new Error(`no authorized Stages found in "${value}"`);
  }
  return stages;
}

/**
 * Why the Stage may not change the Application, or undefined when its
 * annotation names the Stage. Kargo's wording, with the project where
 * Kargo says "namespace".
 */
export function authorizationProblem(
  app: Application,
  project: string,
  stage: string,
): string | undefined {
  const { name, namespace, annotations } = app.metadata;
  const denied = `Argo CD Application "${name}" in namespace "${namespace}" does not permit mutation by Kargo Stage ${stage} in namespace ${project}`;
  const value = annotations?.[AUTHORIZED_STAGE_ANNOTATION];
  if (value === undefined) return denied;
  let stages;
  try {
    stages = parseAuthorizedStages(value);
  } catch (error) {
    return `unable to parse value of annotation "${AUTHORIZED_STAGE_ANNOTATION}" ("${value}") on Argo CD Application "${name}" in namespace "${namespace}": ${
      (error as Error).message
    }`;
  }
  return stages.some(s => s.project === project && s.stage === stage)
    ? undefined
    : denied;
}
