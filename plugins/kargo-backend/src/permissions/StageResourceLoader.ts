import type { AuthService } from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KARGO_PROJECT_ANNOTATION,
  KARGO_STAGES_ANNOTATION,
  parseKargoStageResourceRef,
} from '@kargo-backstage/plugin-kargo-common';
import type { KargoStore } from '../database';
import { splitAnnotation } from '../service/EntityPipelineLoader';
import type { KargoStageResource } from './stageResource';

/** Who owns what, per project, is read from the catalog at most this often. */
const LINKS_TTL_MS = 30_000;

type Link = { owners: string[]; stages?: string[] };

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
 * Loads `kargo-stage` permission resources (`<project>:<stage>` refs) for
 * conditional decisions: the Stage's labels from the store, and the owners
 * of the catalog entities linked to its project.
 */
export class StageResourceLoader {
  private links?: { at: number; byProject: Promise<Map<string, Link[]>> };

  constructor(
    private readonly store: KargoStore,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly clock: () => number = Date.now,
  ) {}

  async load(refs: string[]): Promise<Array<KargoStageResource | undefined>> {
    const byProject = await this.linksByProject();
    return Promise.all(
      refs.map(async ref => {
        const parsed = parseKargoStageResourceRef(ref);
        if (!parsed) return undefined;
        const stage = await this.store.getResource({
          kind: 'Stage',
          project: parsed.project,
          name: parsed.stage,
        });
        if (!stage) return undefined;
        const owners = new Set<string>();
        for (const link of byProject.get(parsed.project) ?? []) {
          if (link.stages?.length && !link.stages.includes(parsed.stage)) {
            continue;
          }
          link.owners.forEach(o => owners.add(o));
        }
        return {
          project: parsed.project,
          name: parsed.stage,
          labels: (stage.metadata.labels ?? {}) as Record<string, string>,
          owners: [...owners],
        };
      }),
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
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${KARGO_PROJECT_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
          'spec.owner',
          'relations',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const byProject = new Map<string, Link[]>();
    for (const entity of items) {
      const annotations = entity.metadata.annotations ?? {};
      const stages = splitAnnotation(annotations[KARGO_STAGES_ANNOTATION]);
      const link = {
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
