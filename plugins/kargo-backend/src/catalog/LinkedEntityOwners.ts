import type { AuthService } from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KARGO_PROJECT_ANNOTATION,
  KARGO_STAGES_ANNOTATION,
} from '@kargo-backstage/plugin-kargo-common';
import { entitiesAnnotatedWith, splitAnnotation } from './annotatedEntities';

/** Who owns what, per project, is read from the catalog at most this often. */
const LINKS_TTL_MS = 30_000;

type Link = { entityRef: string; owners: string[]; stages?: string[] };

function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
  if (related.length) return related;
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  return [
    stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'Group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ),
  ];
}

/**
 * The owners of the catalog entities linked to a Kargo project (annotated
 * with `kargo.akuity.io/project`; where they also name Stages with
 * `kargo.akuity.io/stages`, only for those Stages): who the portal knows to
 * be responsible for a Stage. Permission rules and approval gates ask it.
 */
export class LinkedEntityOwners {
  private links?: { at: number; byProject: Promise<Map<string, Link[]>> };

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Entity refs of the owners of the entities linked to the Stage. */
  async of(project: string, stage: string): Promise<string[]> {
    const owners = new Set<string>();
    for (const link of await this.linksOf(project, stage)) {
      link.owners.forEach(o => owners.add(o));
    }
    return [...owners];
  }

  /** Refs of the catalog entities linked to the Stage (their pages show it). */
  async entitiesOf(project: string, stage: string): Promise<string[]> {
    return (await this.linksOf(project, stage)).map(l => l.entityRef);
  }

  private async linksOf(project: string, stage: string): Promise<Link[]> {
    const byProject = await this.linksByProject();
    return (byProject.get(project) ?? []).filter(
      link => !link.stages?.length || link.stages.includes(stage),
    );
  }

  private linksByProject(): Promise<Map<string, Link[]>> {
    const now = this.clock();
    if (!this.links || now - this.links.at > LINKS_TTL_MS) {
      const byProject = this.readLinks();
      this.links = { at: now, byProject };
      // A failed read is not cached: the next decision asks again.
      byProject.catch(() => {
        if (this.links?.byProject === byProject) this.links = undefined;
      });
    }
    return this.links.byProject;
  }

  private async readLinks(): Promise<Map<string, Link[]>> {
    const items = await entitiesAnnotatedWith(
      this.catalog,
      this.auth,
      KARGO_PROJECT_ANNOTATION,
      [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
        'spec.owner',
        'relations',
      ],
    );
    const byProject = new Map<string, Link[]>();
    for (const entity of items) {
      const annotations = entity.metadata.annotations ?? {};
      const stages = splitAnnotation(annotations[KARGO_STAGES_ANNOTATION]);
      const link = {
        entityRef: stringifyEntityRef(entity),
        owners: ownersOf(entity),
        ...(stages.length ? { stages } : {}),
      };
      for (const project of splitAnnotation(
        annotations[KARGO_PROJECT_ANNOTATION],
      )) {
        byProject.set(project, [...(byProject.get(project) ?? []), link]);
      }
    }
    return byProject;
  }
}
