import { kargoPermissions } from '@kargo-backstage/plugin-kargo-common';
import type express from 'express';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DEMO_PROJECT_YAML } from './__testUtils__/routeTestKit';
import { startKargoBackend } from './__testUtils__/startKargoBackend';
import { createRouter } from './router';

// The real router, with a handle on what createRouter built.
jest.mock('./router', () => {
  const actual = jest.requireActual('./router');
  return { ...actual, createRouter: jest.fn(actual.createRouter) };
});

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Routes anyone may call: the health probe (load balancers carry no token). */
const PUBLIC = new Set(['GET /health']);

const MANIFESTS = `${DEMO_PROJECT_YAML}---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: dev, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
`;

/** Sample values for path parameters, so each route reaches its handler. */
const PARAMS: Record<string, string> = {
  project: 'demo',
  stage: 'dev',
  name: 'dev',
  freight: 'f1',
  collection: 'stages',
  kind: 'component',
  namespace: 'default',
};

type Route = { method: string; path: string };

/** Every route of the router, as Express holds them. */
function routesOf(router: express.Router): Route[] {
  return (router.stack as any[])
    .filter(layer => layer.route)
    .flatMap(layer =>
      Object.keys(layer.route.methods)
        .filter(m => m !== '_all')
        .map(method => ({
          method: method.toUpperCase(),
          path: layer.route.path as string,
        })),
    );
}

const concrete = (path: string) =>
  path.replace(/:(\w+)/g, (_, param) => PARAMS[param] ?? param);

/**
 * Enumerates every route of the REST router (not a list kept by hand) and
 * calls each one with every Kargo permission denied, then allowed: each
 * must ask the permission framework and refuse with 403 when denied. Kargo
 * shipped a route without its check (CVE-2026-27111); this test fails the
 * moment a new route forgets one. The webhook receivers are a separate
 * router, unauthenticated by design and checked by signature.
 */
describe.each(databases.eachSupportedId())(
  'every route checks its permission on %s',
  databaseId => {
    it('refuses every route but /health when permissions deny, and asks the permission framework', async () => {
      (createRouter as jest.Mock).mockClear();
      const deny: string[] = [];
      const { server, asked } = await startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: MANIFESTS,
        deny,
      });
      const router = (await (createRouter as jest.Mock).mock.results[0]
        .value) as express.Router;
      const routes = routesOf(router);
      // A sanity floor: the enumeration itself must see the router.
      expect(routes.length).toBeGreaterThan(25);

      deny.push(...kargoPermissions.map(p => p.name));
      const unchecked: string[] = [];
      for (const route of routes) {
        const id = `${route.method} ${route.path}`;
        if (PUBLIC.has(id)) continue;
        asked.length = 0;
        const call = request(server)
          [route.method.toLowerCase() as 'get'](
            `/api/kargo${concrete(route.path)}?stage=dev`,
          )
          .set('Content-Type', 'application/yaml');
        const res = await (['POST', 'PUT', 'PATCH', 'DELETE'].includes(
          route.method,
        )
          ? call.send(route.path.endsWith('/resources') ? MANIFESTS : '{}')
          : call);
        if (res.status !== 403 || !asked.length) {
          unchecked.push(`${id} → ${res.status}, asked [${asked}]`);
        }
      }
      expect(unchecked).toEqual([]);

      // And /health is the only way in without any permission.
      asked.length = 0;
      expect((await request(server).get('/api/kargo/health')).status).toBe(200);
      expect(asked).toEqual([]);
    });
  },
);
