/**
 * Scaffolder actions for Kargo pipelines.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKargo as default } from './module';
export { createApplyManifestsAction } from './actions/applyManifests';
export { createPromoteAction } from './actions/promote';
export { createApproveFreightAction } from './actions/approveFreight';
export { createRefreshWarehouseAction } from './actions/refreshWarehouse';
export { createGitPushAction } from './actions/gitPush';
export type { GitPushActionOptions, LocalGitHost } from './actions/gitPush';
export { createRegisterCatalogFileAction } from './actions/registerCatalogFile';
export type { RegisterCatalogFileActionOptions } from './actions/registerCatalogFile';
export type { KargoActionOptions } from './actions/kargoApi';
