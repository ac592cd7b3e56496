export { ActionButton } from './ActionButton';
export { ActionMenuItem, DecidedMenuItem } from './ActionMenuItem';
export {
  PipelineActionsProvider,
  usePipelineActions,
  useReloadKey,
  type ActionFeedback,
  type PipelineActions,
  type PipelineDrawer,
} from './PipelineActions';
export { StageActions } from './StageActions';
export { WarehouseRefreshButton } from './WarehouseRefreshButton';
export {
  errorMessage,
  usePipelineActionRunner,
} from './usePipelineActionRunner';
