import { parseKargoStageResourceRef } from '@kargo-backstage/plugin-kargo-common';
import type { LinkedEntityOwners } from '../catalog/LinkedEntityOwners';
import type { KargoStore } from '../database';
import type { KargoStageResource } from './stageResource';

/**
 * Loads `kargo-stage` permission resources (`<project>:<stage>` refs) for
 * conditional decisions: the Stage's labels from the store, and the owners
 * of the catalog entities linked to its project.
 */
export class StageResourceLoader {
  constructor(
    private readonly store: KargoStore,
    private readonly owners: LinkedEntityOwners,
  ) {}

  async load(refs: string[]): Promise<Array<KargoStageResource | undefined>> {
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
        return {
          project: parsed.project,
          name: parsed.stage,
          labels: (stage.metadata.labels ?? {}) as Record<string, string>,
          owners: await this.owners.of(parsed.project, parsed.stage),
        };
      }),
    );
  }
}
