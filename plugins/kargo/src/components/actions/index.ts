export { ActionButton } from './ActionButton';
export { ActionMenuItem, DecidedMenuItem } from './ActionMenuItem';
export {
  PipelineActionsProvider,
  usePipelineActions,
  type ActionFeedback,
  type PipelineActions,
} from './PipelineActions';
export { StageActions } from './StageActions';
export { WarehouseRefreshButton } from './WarehouseRefreshButton';
export {
  errorMessage,
  usePipelineActionRunner,
} from './usePipelineActionRunner';
