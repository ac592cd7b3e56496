/**
 * Scaffolder actions for Kargo pipelines.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKargo as default } from './module';
export { createApplyManifestsAction } from './actions/applyManifests';
