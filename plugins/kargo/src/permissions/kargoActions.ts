import {
  kargoFreezeManagePermission,
  kargoFreightApprovePermission,
  kargoPromotionAbortPermission,
  kargoPromotionReviewPermission,
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
  | 'assembleFreight'
  | 'reviewPromotion'
  | 'freeze'
  | 'rejectFreight'
  | 'syncManifests';

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
  // Approve or reject a Promotion waiting for approval on the Stage.
  reviewPromotion: [kargoPromotionReviewPermission],
  // Freeze or unfreeze the project or a Stage.
  freeze: [kargoFreezeManagePermission],
  // Reject Freight for a Stage, or lift that rejection.
  rejectFreight: [kargoFreightApprovePermission],
  // Read and apply the entity's kargo.akuity.io/manifests now.
  syncManifests: [kargoResourceManagePermission],
};
