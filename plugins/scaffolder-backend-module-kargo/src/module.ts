import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { join, resolve as resolvePath } from 'node:path';
import { createApplyManifestsAction } from './actions/applyManifests';
import { createApproveFreightAction } from './actions/approveFreight';
import { createGitPushAction, LocalGitHost } from './actions/gitPush';
import { createPromoteAction } from './actions/promote';
import { createRefreshWarehouseAction } from './actions/refreshWarehouse';
import { createRegisterCatalogFileAction } from './actions/registerCatalogFile';

/**
 * Scaffolder actions for Kargo pipelines: apply manifests, promote, approve
 * Freight and refresh Warehouses as the user running the template, plus
 * `kargo:git:push` and `kargo:catalog:register-file` for portals whose Git
 * server is plain Git (the local demo).
 */
export const scaffolderModuleKargo = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kargo',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, auth, discovery, config }) {
        // The local demo's Git server (packages/backend/src/demo) serves the
        // bare repositories under demo.git.root at /api/demo-git: pushes to
        // it may create repositories, and the catalog reads registered
        // entities from <root>/catalog.
        const demoRoot = config.getOptionalString('demo.git.root');
        const localGitHosts: LocalGitHost[] = [];
        if (demoRoot) {
          const root = resolvePath(demoRoot);
          const urls = new Set([
            await discovery.getBaseUrl('demo-git'),
            await discovery.getExternalBaseUrl('demo-git'),
          ]);
          for (const baseUrl of urls) {
            localGitHosts.push({ baseUrl, root });
          }
        }
        scaffolder.addActions(
          createApplyManifestsAction({ auth, discovery }),
          createPromoteAction({ auth, discovery }),
          createApproveFreightAction({ auth, discovery }),
          createRefreshWarehouseAction({ auth, discovery }),
          createGitPushAction({ localGitHosts }),
          createRegisterCatalogFileAction({
            auth,
            discovery,
            directory: demoRoot
              ? join(resolvePath(demoRoot), 'catalog')
              : undefined,
          }),
        );
      },
    });
  },
});
