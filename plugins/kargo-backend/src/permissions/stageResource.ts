import { KARGO_STAGE_RESOURCE_TYPE } from '@kargo-backstage/plugin-kargo-common';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';

/**
 * A Stage as permission rules see it: where it is, its labels, and who owns
 * the catalog entities linked to its project (annotated with
 * `kargo.akuity.io/project`, and, where they name Stages with
 * `kargo.akuity.io/stages`, only for those).
 */
export type KargoStageResource = {
  project: string;
  name: string;
  labels: Record<string, string>;
  /** Entity refs of the owners of the linked entities. */
  owners: string[];
};

/** Conditions as a predicate: what a rule's `toQuery` builds. */
export type KargoStageFilter = (stage: KargoStageResource) => boolean;

export const kargoStagePermissionResourceRef = createPermissionResourceRef<
  KargoStageResource,
  KargoStageFilter
>().with({ pluginId: 'kargo', resourceType: KARGO_STAGE_RESOURCE_TYPE });
