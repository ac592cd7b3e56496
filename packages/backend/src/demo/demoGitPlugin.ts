import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { resolve as resolvePath } from 'node:path';
import Router from 'express-promise-router';
import { gitHttpBackend } from './gitHttpBackend';
import { smokeCheck } from './smokeCheck';

/**
 * The demo's Git server: serves the bare repositories under `demo.git.root`
 * (created by scripts/demo-setup.mjs) at /api/demo-git/<repo>.git over smart
 * HTTP, so the demo pipeline clones and pushes over HTTP as it would against
 * a real forge, and the guestbook's smoke check at /api/demo-git/smoke/<env>
 * that the demo pipeline's verification asks. Off unless `demo.git.root` is
 * set (only app-config.yaml does).
 */
export const demoGitPlugin = createBackendPlugin({
  pluginId: 'demo-git',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ config, httpRouter, logger }) {
        const root = config.getOptionalString('demo.git.root');
        if (!root) {
          return;
        }
        const router = Router();
        router.get('/smoke/:env', smokeCheck(resolvePath(root)));
        router.use(gitHttpBackend(resolvePath(root)));
        httpRouter.use(router);
        // Git clients do not carry Backstage tokens; this is a local demo.
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        logger.info(
          `Serving the demo's Git repositories from ${resolvePath(root)}`,
        );
      },
    });
  },
});
