import { InputError } from '@backstage/errors';
import {
  KARGO_PROJECT_ANNOTATION,
  isClusterScoped,
  isKargoKind,
} from '@kargo-backstage/plugin-kargo-common';
import { docLabel } from '../manifests';

/**
 * Whether an entity's repository may write these manifests, and to which
 * projects they write. An entity manages only the projects its own
 * `kargo.akuity.io/project` annotation names, and none that another
 * entity's manifests already manage: one team's repository cannot
 * overwrite another team's pipeline. Cluster-wide resources are shared by
 * every team, and a Promotion is a user's act (checked against Stage
 * permissions, freezes and windows by the promote endpoint), so neither
 * comes from a repository. Documents this cannot place (no kind, no
 * namespace) are left to the applier's validation.
 *
 * @param claims - project → the entity whose manifests manage it
 * @throws InputError naming every refused document and its project
 */
export function checkManagedProjects(
  docs: unknown[],
  entity: { ref: string; projects: string[] },
  claims: Map<string, string>,
): string[] {
  const issues: string[] = [];
  const touched = new Set<string>();
  docs.forEach((raw, index) => {
    const doc = (raw ?? {}) as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    };
    if (!isKargoKind(doc.kind)) return;
    const label = docLabel(index, raw);
    if (doc.kind === 'Promotion') {
      issues.push(
        `${label}: Promotions are not applied from an entity's manifests; promote through the portal or the API`,
      );
      return;
    }
    const project =
      doc.kind === 'Project' ? doc.metadata?.name : doc.metadata?.namespace;
    if (isClusterScoped(doc.kind) && doc.kind !== 'Project') {
      issues.push(
        `${label}: cluster-wide resources (${doc.kind}) are shared by every project and are not applied from an entity's manifests`,
      );
      return;
    }
    if (typeof project !== 'string' || !project) return;
    const owner = claims.get(project);
    if (!entity.projects.includes(project)) {
      issues.push(
        `${label}: project "${project}" is not named by the entity's ${KARGO_PROJECT_ANNOTATION} annotation (${
          entity.projects.join(', ') || 'none'
        })`,
      );
    } else if (owner && owner !== entity.ref) {
      issues.push(
        `${label}: project "${project}" is managed by the manifests of ${owner}`,
      );
    } else {
      touched.add(project);
    }
  });
  if (issues.length) {
    throw new InputError(`Refused manifests: ${issues.join('; ')}`);
  }
  return [...touched];
}
