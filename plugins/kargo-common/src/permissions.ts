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

/** Start a Promotion of Freight into a Stage. */
export const kargoStagePromotePermission = createPermission({
  name: 'kargo.stage.promote',
  attributes: { action: 'update' },
});

/** Approve Freight for a Stage (bypassing upstream verification). */
export const kargoFreightApprovePermission = createPermission({
  name: 'kargo.freight.approve',
  attributes: { action: 'update' },
});

/** Abort a pending or running Promotion. */
export const kargoPromotionAbortPermission = createPermission({
  name: 'kargo.promotion.abort',
  attributes: { action: 'update' },
});

/** Ask a Warehouse to discover new artifacts now. */
export const kargoWarehouseRefreshPermission = createPermission({
  name: 'kargo.warehouse.refresh',
  attributes: { action: 'update' },
});

/** Every Kargo permission, for `permissionsRegistry.addPermissions`. */
export const kargoPermissions = [
  kargoProjectReadPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
  kargoFreightApprovePermission,
  kargoPromotionAbortPermission,
  kargoWarehouseRefreshPermission,
];
