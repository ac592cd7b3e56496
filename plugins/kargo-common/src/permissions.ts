import { createPermission } from '@backstage/plugin-permission-common';

/** See projects and everything in them: Stages, Warehouses, Freight, Promotions. */
export const kargoProjectReadPermission = createPermission({
  name: 'kargo.project.read',
  attributes: { action: 'read' },
});

/** Apply or delete Kargo manifests (create/update/delete any resource). */
export const kargoResourceManagePermission = createPermission({
  name: 'kargo.resource.manage',
  attributes: { action: 'update' },
});

/**
 * The resource type of the permissions that act on one Stage, so that a
 * policy can decide per Stage (conditions: project, name, labels, owners of
 * the catalog entities linked to the project).
 */
export const KARGO_STAGE_RESOURCE_TYPE = 'kargo-stage';

/** A Stage's permission resource ref: `<project>:<stage>`, as Kargo writes it. */
export function kargoStageResourceRef(project: string, stage: string): string {
  return `${project}:${stage}`;
}

/** The project and Stage of a `<project>:<stage>` resource ref. */
export function parseKargoStageResourceRef(
  ref: string,
): { project: string; stage: string } | undefined {
  const i = ref.indexOf(':');
  if (i <= 0 || i === ref.length - 1) return undefined;
  return { project: ref.slice(0, i), stage: ref.slice(i + 1) };
}

/** Start a Promotion of Freight into a Stage (also retry, re-verify, refresh). */
export const kargoStagePromotePermission = createPermission({
  name: 'kargo.stage.promote',
  attributes: { action: 'update' },
  resourceType: KARGO_STAGE_RESOURCE_TYPE,
});

/** Approve Freight for a Stage (bypassing upstream verification). */
export const kargoFreightApprovePermission = createPermission({
  name: 'kargo.freight.approve',
  attributes: { action: 'update' },
  resourceType: KARGO_STAGE_RESOURCE_TYPE,
});

/** Abort a pending or running Promotion, or a Stage's verification. */
export const kargoPromotionAbortPermission = createPermission({
  name: 'kargo.promotion.abort',
  attributes: { action: 'update' },
  resourceType: KARGO_STAGE_RESOURCE_TYPE,
});

/** Ask a Warehouse to discover new artifacts now. */
export const kargoWarehouseRefreshPermission = createPermission({
  name: 'kargo.warehouse.refresh',
  attributes: { action: 'update' },
});

/**
 * Approve or reject a Promotion waiting in a `wait-for-approval` step. The
 * step's own `approvers` say who may; this permission lets a policy narrow
 * it further per Stage.
 */
export const kargoPromotionReviewPermission = createPermission({
  name: 'kargo.promotion.review',
  attributes: { action: 'update' },
  resourceType: KARGO_STAGE_RESOURCE_TYPE,
});

/** Freeze or unfreeze a project or Stage (stop-the-line) and lift it. */
export const kargoFreezeManagePermission = createPermission({
  name: 'kargo.freeze.manage',
  attributes: { action: 'update' },
});

/** The permissions decided per Stage. */
export const kargoStagePermissions = [
  kargoStagePromotePermission,
  kargoFreightApprovePermission,
  kargoPromotionAbortPermission,
  kargoPromotionReviewPermission,
];

/** Every Kargo permission, for `permissionsRegistry.addPermissions`. */
export const kargoPermissions = [
  kargoProjectReadPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
  kargoFreightApprovePermission,
  kargoPromotionAbortPermission,
  kargoWarehouseRefreshPermission,
  kargoFreezeManagePermission,
  kargoPromotionReviewPermission,
];
