export {
  compilePromotionWindow,
  PromotionWindowError,
  type CompiledWindow,
  type PromotionWindowSpec,
  type WindowOccurrence,
} from './promotionWindow';
export { promotionWindowStatus, type PromotionWindowStatus } from './schedule';
