export { ProjectPipeline } from './ProjectPipeline';
