/**
 * The backend under test: `startTestBackend` with the real Kargo plugin
 * (DatabaseKargoStore, ManifestApplier, EntityPipelineLoader, createRouter,
 * mounted at /api/kargo), mock permissions that allow everything, and the
 * in-memory catalog. The only service replaced beyond what the router tests
 * use is the root HTTP router, so that the server listens on 127.0.0.1 only
 * (startTestBackend's own listens on every interface).
 */
import {
  DefaultRootHttpRouter,
  ExtendedHttpServer,
  MiddlewareFactory,
  createHealthRouter,
  createHttpServer,
} from '@backstage/backend-defaults/rootHttpRouter';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import type { Knex } from 'knex';
import kargoPlugin from '../src';

export const BACKEND_DESCRIPTION =
  'startTestBackend (@backstage/backend-test-utils) with the real kargo plugin (`import kargoPlugin from "../src"`: DatabaseKargoStore, ManifestApplier, EntityPipelineLoader, createRouter at /api/kargo); mockServices.database.factory({ knex }), mockServices.permissions.factory({ result: ALLOW }), catalogServiceMock.factory({ entities }), mock httpAuth (default user credentials); root HTTP router replaced by the same middleware stack listening on 127.0.0.1:0';

export type BenchBackend = { baseUrl: string; stop(): Promise<void> };

export async function startBenchBackend(
  knex: Knex,
  entities: Entity[],
): Promise<BenchBackend> {
  let server: ExtendedHttpServer | undefined;
  const loopbackRootHttpRouter = createServiceFactory({
    service: coreServices.rootHttpRouter,
    deps: {
      config: coreServices.rootConfig,
      lifecycle: coreServices.rootLifecycle,
      rootLogger: coreServices.rootLogger,
      health: coreServices.rootHealth,
    },
    async factory({ config, lifecycle, rootLogger, health }) {
      const router = DefaultRootHttpRouter.create();
      const logger = rootLogger.child({ service: 'rootHttpRouter' });
      const middleware = MiddlewareFactory.create({ config, logger });
      const app = express();
      app.use(createHealthRouter({ config, health }));
      app.use(router.handler());
      app.use(middleware.notFound());
      app.use(middleware.error());
      server = await createHttpServer(
        app,
        { listen: { host: '127.0.0.1', port: 0 } },
        { logger },
      );
      lifecycle.addShutdownHook(() => server!.stop(), { logger });
      await server.start();
      return router;
    },
  });

  const backend = await startTestBackend({
    features: [
      kargoPlugin,
      loopbackRootHttpRouter,
      mockServices.discovery.factory(),
      mockServices.database.factory({ knex }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities }),
    ],
  });
  if (!server) {
    throw new Error('the root HTTP router was not started');
  }
  return {
    baseUrl: `http://127.0.0.1:${server.port()}/api/kargo`,
    stop: () => backend.stop(),
  };
}
