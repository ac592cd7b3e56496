import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { KargoPortalPermissionPolicy } from './KargoPortalPermissionPolicy';

/** Installs {@link KargoPortalPermissionPolicy} as the permission policy. */
export const permissionModuleKargoPortalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kargo-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(new KargoPortalPermissionPolicy(config));
      },
    });
  },
});
