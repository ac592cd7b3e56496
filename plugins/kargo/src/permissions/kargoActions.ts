import {
  kargoFreightApprovePermission,
  kargoPromotionAbortPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
  kargoWarehouseRefreshPermission,
} from '@kargo-backstage/plugin-kargo-common';

/** What a user can do from the Promotions tab. */
export type KargoAction =
  | 'promote'
  | 'approve'
  | 'abort'
  | 'retry'
  | 'reverify'
  | 'abortVerification'
  | 'refreshStage'
  | 'refreshWarehouse'
  | 'assembleFreight';

type StagePermission = typeof kargoStagePromotePermission;
type PlainPermission = typeof kargoWarehouseRefreshPermission;

/**
 * The permissions each action needs: the ones the backend checks on the
 * route behind it (router.ts), so a button is enabled exactly when the
 * server would accept the click. Stage permissions are decided per Stage
 * (resource ref `<project>:<stage>`). Approving takes promote too, as in
 * Kargo.
 */
export const ACTION_PERMISSIONS: Record<
  KargoAction,
  Array<StagePermission | PlainPermission>
> = {
  promote: [kargoStagePromotePermission],
  approve: [kargoFreightApprovePermission, kargoStagePromotePermission],
  abort: [kargoPromotionAbortPermission],
  retry: [kargoStagePromotePermission],
  reverify: [kargoStagePromotePermission],
  abortVerification: [kargoPromotionAbortPermission],
  refreshStage: [kargoStagePromotePermission],
  refreshWarehouse: [kargoWarehouseRefreshPermission],
  // Freight assembled by hand is created through /resources.
  assembleFreight: [kargoResourceManagePermission],
};
