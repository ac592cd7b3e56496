export { ProjectPipeline } from './ProjectPipeline';
export { useReloadable } from './useReloadable';
