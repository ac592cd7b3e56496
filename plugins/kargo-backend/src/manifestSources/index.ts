export { ManifestSourceSync } from './ManifestSourceSync';
export {
  MANIFEST_SOURCES_TASK_ID,
  startManifestSourceSync,
} from './startManifestSourceSync';
