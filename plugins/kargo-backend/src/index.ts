/**
 * Kargo for Backstage: the backend plugin (resource store, REST API, engine).
 *
 * @packageDocumentation
 */
export { kargoPlugin as default } from './plugin';
export type { KargoStore } from './database';
export {
  createKargoStageConditionalDecision,
  kargoStageConditions,
  kargoStagePermissionResourceRef,
  kargoStageRules,
  type KargoStageResource,
} from './permissions';
