export {
  POLL_IDLE_MS,
  POLL_WHILE_RUNNING_MS,
  usePipelineLiveUpdates,
} from './usePipelineLiveUpdates';
