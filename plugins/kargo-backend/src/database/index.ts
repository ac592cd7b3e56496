export type {
  KargoStore,
  ListCursor,
  ListOrder,
  ListQuery,
  ListResult,
  ResourceContent,
  ResourceKey,
  StoredResource,
} from './KargoStore';
export {
  DatabaseKargoStore,
  type StoreChangeListener,
} from './DatabaseKargoStore';
export type { DiscoveryClaim, DiscoveryQueue } from './DiscoveryQueue';
export { DatabaseDiscoveryQueue } from './DatabaseDiscoveryQueue';
export type {
  AbortRequest,
  PromotionClaim,
  PromotionLogLine,
  PromotionQueue,
  PromotionQueueUpdate,
} from './PromotionQueue';
export { LeaseLostError } from './PromotionQueue';
export { DatabasePromotionQueue } from './DatabasePromotionQueue';
export type { StageClaim, StageQueue } from './StageQueue';
export { DatabaseStageQueue } from './DatabaseStageQueue';
export { DatabaseAnalysisRuns } from './DatabaseAnalysisRuns';
export { listProjectNames } from './listProjectNames';
export type { Freeze, Freezes } from './Freezes';
export { DatabaseFreezes } from './DatabaseFreezes';
export type { PromotionReview, PromotionReviews } from './PromotionReviews';
export { DatabasePromotionReviews } from './DatabasePromotionReviews';
