/*
 * The portal's backend: Backstage's catalog, scaffolder, auth and permission
 * plugins, with the Kargo plugin suite.
 */
import { createBackend } from '@backstage/backend-defaults';
import { demoGitPlugin } from './demo/demoGitPlugin';
import { permissionModuleKargoPortalPolicy } from './permissions/module';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleKargoPortalPolicy);

// Live updates and notifications for the portal (the Kargo plugin publishes
// project changes as signals and notifies owners and approvers).
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@kargo-backstage/plugin-scaffolder-backend-module-kargo'));

backend.add(import('@kargo-backstage/plugin-kargo-backend'));

// Local demo only: serves data/demo's Git repositories (demo.git.root).
backend.add(demoGitPlugin);

backend.start();
