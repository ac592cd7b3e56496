import { createApiRef } from '@backstage/frontend-plugin-api';
import type { KargoClient } from '@kargo-backstage/plugin-kargo-common';

/** The Kargo backend's API as the frontend uses it. */
export type KargoApi = Pick<
  KargoClient,
  | 'getEntityPipeline'
  | 'syncManifestSource'
  | 'listProjects'
  | 'getProject'
  | 'listStages'
  | 'getStage'
  | 'listWarehouses'
  | 'getWarehouse'
  | 'listFreight'
  | 'getFreight'
  | 'listPromotions'
  | 'getPromotion'
  | 'getPromotionSteps'
  | 'getAnalysisRun'
  | 'getStageAudit'
  | 'promote'
  | 'promoteDownstream'
  | 'approveFreight'
  | 'abortPromotion'
  | 'retryPromotion'
  | 'refreshWarehouse'
  | 'refreshStage'
  | 'reverifyStage'
  | 'abortVerification'
  | 'applyManifests'
  | 'approvePromotion'
  | 'rejectPromotion'
  | 'freeze'
  | 'unfreeze'
  | 'listFreezes'
  | 'rejectFreight'
  | 'unrejectFreight'
>;

export const kargoApiRef = createApiRef<KargoApi>().with({
  id: 'plugin.kargo.api',
  pluginId: 'kargo',
});
