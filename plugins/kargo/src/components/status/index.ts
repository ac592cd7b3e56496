export { KargoStatus } from './KargoStatus';
export {
  describeAutoPromotion,
  describeRunningPromotion,
  HealthFact,
  RunningPromotionFact,
  VerificationFact,
} from './StageFacts';
