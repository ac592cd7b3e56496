/**
 * The backend under test: the real Kargo plugin (DatabaseKargoStore,
 * ManifestApplier, EntityPipelineLoader, createRouter, mounted at
 * /api/kargo) started by the Backstage backend system with the same mock
 * services as `startTestBackend` (the router tests' setup), mock permissions
 * that allow everything, and the in-memory catalog.
 *
 * Why not `startTestBackend` itself: it works outside jest, but its HTTP
 * server listens on every interface (host ""), and it cannot be given another
 * root HTTP router (it reads its own server in a getter and throws). So this
 * file builds the backend with `createSpecializedBackend`, exactly as
 * startTestBackend does, with a root HTTP router on 127.0.0.1 only.
 */
import {
  DefaultRootHttpRouter,
  ExtendedHttpServer,
  MiddlewareFactory,
  createHealthRouter,
  createHttpServer,
} from '@backstage/backend-defaults/rootHttpRouter';
import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createSpecializedBackend } from '@backstage/backend-app-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import type { Knex } from 'knex';
import kargoPlugin from '../src';

export const BACKEND_DESCRIPTION =
  'the real kargo plugin (`import kargoPlugin from "../src"`: DatabaseKargoStore, ManifestApplier, EntityPipelineLoader, createRouter at /api/kargo) started by createSpecializedBackend with startTestBackend\'s mock services (mockServices.database.factory({ knex }), mockServices.permissions.factory({ result: ALLOW }), catalogServiceMock.factory({ entities }), mock auth/httpAuth/httpRouter), and startTestBackend\'s root HTTP router stack listening on 127.0.0.1:0 instead of all interfaces';

export type BenchBackend = { baseUrl: string; stop(): Promise<void> };

export async function startBenchBackend(
  knex: Knex,
  entities: Entity[],
  /** Root config (mockServices.rootConfig data); none by default. */
  rootConfig?: JsonObject,
  options: {
    /**
     * Backstage's real scheduler (tasks tick at their frequency, global ones
     * through the database) instead of the mock, which runs each task once.
     */
    realScheduler?: boolean;
    /** Start the Kargo plugin (default true); extra features (modules). */
    kargo?: boolean;
    features?: BackendFeature[];
  } = {},
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

  const backend = createSpecializedBackend({
    // startTestBackend's defaults (its alpha services are not used by kargo).
    defaultServiceFactories: [
      mockServices.auth.factory(),
      mockServices.auditor.factory(),
      mockServices.cache.factory(),
      mockServices.rootConfig.factory(
        rootConfig ? { data: rootConfig } : undefined,
      ),
      mockServices.httpAuth.factory(),
      mockServices.httpRouter.factory(),
      mockServices.lifecycle.factory(),
      mockServices.logger.factory(),
      mockServices.permissionsRegistry.factory(),
      mockServices.rootHealth.factory(),
      mockServices.rootLifecycle.factory(),
      mockServices.rootLogger.factory(),
      options.realScheduler
        ? schedulerServiceFactory
        : mockServices.scheduler.factory(),
      mockServices.userInfo.factory(),
      mockServices.urlReader.factory(),
      mockServices.events.factory(),
      mockServices.discovery.factory(),
      // The plugin registers its actions (the backend's default has it).
      actionsRegistryServiceMock.factory(),
      loopbackRootHttpRouter,
      // The real scheduler's dependency (OpenTelemetry meters, no exporter).
      ...(options.realScheduler ? [metricsServiceFactory] : []),
    ],
  });
  if (options.kargo !== false) backend.add(kargoPlugin);
  for (const feature of options.features ?? []) backend.add(feature);
  backend.add(mockServices.database.factory({ knex }));
  backend.add(
    mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
  );
  backend.add(catalogServiceMock.factory({ entities }));
  await backend.start();
  if (!server) {
    throw new Error('the root HTTP router was not started');
  }
  return {
    baseUrl: `http://127.0.0.1:${server.port()}/api/kargo`,
    stop: () => backend.stop(),
  };
}
