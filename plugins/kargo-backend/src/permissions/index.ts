export {
  createKargoStageConditionalDecision,
  kargoStageConditions,
} from './conditions';
export {
  kargoStagePermissionResourceRef,
  type KargoStageFilter,
  type KargoStageResource,
} from './stageResource';
export { kargoStageRules } from './stageRules';
export { StageResourceLoader } from './StageResourceLoader';
