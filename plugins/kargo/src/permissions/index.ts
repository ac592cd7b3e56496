export type { KargoAction } from './kargoActions';
export {
  useActionPermission,
  useActionPermissionOnStages,
  type ActionDecision,
  type PermissionTarget,
} from './useActionPermission';
