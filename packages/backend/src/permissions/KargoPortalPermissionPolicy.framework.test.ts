import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import kargoPlugin from '@kargo-backstage/plugin-kargo-backend';
import type { AddressInfo } from 'node:net';
import { permissionModuleKargoPortalPolicy } from './module';

jest.setTimeout(60_000);

const postgres = Object.keys(process.env)
  .map(k => /^BACKSTAGE_TEST_DATABASE_POSTGRES(\d+)_CONNECTION_STRING$/.exec(k))
  .filter(Boolean)
  .map(m => `POSTGRES_${m![1]}` as TestDatabaseId);
const databases = TestDatabases.create({
  ids: [...postgres, 'SQLITE_3'],
  disableDocker: true,
});

/** Who belongs to which groups (the catalog's memberOf, as userInfo says). */
const GROUPS: Record<string, string[]> = {
  'user:default/owner': ['group:default/team-a'],
  'user:default/stranger': ['group:default/team-b'],
  'user:default/operator': ['group:default/platform'],
  'user:default/manager': ['group:default/release-managers'],
};

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const userEntityRef = credentials.principal.userEntityRef as string;
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...(GROUPS[userEntityRef] ?? [])],
      };
    },
  }),
});

/**
 * The mock httpAuth, plus the one thing Backstage's real auth does that the
 * mock leaves out: a token a plugin obtained on a user's behalf carries the
 * plugin as `actor`. The permission backend applies conditions with such a
 * token, and the plugin's apply-conditions route refuses user calls without
 * an actor.
 */
const oboAwareHttpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      async credentials(req: any, options?: any) {
        const credentials: any = await inner.credentials(req, options);
        const onBehalf = String(req.headers.authorization ?? '').includes(
          '"obo":',
        );
        if (credentials.principal.type === 'user' && onBehalf) {
          credentials.principal = {
            ...credentials.principal,
            actor: { type: 'service', subject: 'plugin:permission' },
          };
        }
        return credentials;
      },
      issueUserCookie: (res: any, options?: any) =>
        inner.issueUserCookie(res, options),
    } as any;
  },
});

const PIPELINE = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: shop }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: shop }
spec:
  subscriptions: [{ image: { repoURL: registry.example.com/app } }]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: f1, namespace: shop }
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.0", digest: "sha256:${'a'.repeat(
  64,
)}" }]
${['dev', 'prod']
  .map(
    stage => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: ${stage}, namespace: shop }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  # What the step does does not matter here, only who may start it.
  promotionTemplate: { spec: { steps: [{ uses: git-clear, config: { path: ./out } }] } }
`,
  )
  .join('')}`;

/**
 * The portal's example policy through the real permission framework: the
 * permission backend evaluates the policy, its conditional decisions come
 * back to the Kargo plugin's rules (apply-conditions), which load the Stage
 * and the owners of the catalog entities linked to its project.
 */
describe.each(databases.eachSupportedId())(
  'the portal policy through the real permission framework on %s',
  databaseId => {
    it('lets owners of the linked component promote to dev but not prod, release managers to prod, strangers nowhere', async () => {
      const { server } = await startTestBackend({
        features: [
          kargoPlugin,
          permissionPlugin,
          permissionModuleKargoPortalPolicy,
          permissionsServiceFactory,
          userInfo,
          oboAwareHttpAuth,
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: {
                enabled: true,
                kargo: {
                  operatorGroups: ['group:default/platform'],
                  productionGroups: ['group:default/release-managers'],
                },
              },
            },
          }),
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: {
                  name: 'shop',
                  namespace: 'default',
                  annotations: { 'kargo.akuity.io/project': 'shop' },
                },
                spec: { type: 'service', owner: 'team-a' },
              },
            ],
          }),
        ],
      });
      const base = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/api/kargo/v1beta1`;
      const call = async (
        who: string,
        method: string,
        path: string,
        body?: string,
      ) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            Authorization: mockCredentials.user.header(who),
            'content-type': body?.startsWith('{')
              ? 'application/json'
              : 'application/yaml',
          },
          body,
        });
        return { status: res.status, body: await res.json() };
      };
      const applied = await call(
        'user:default/operator',
        'POST',
        '/resources',
        PIPELINE,
      );
      expect(applied.status).toBe(201);
      const promote = (who: string, stage: string) =>
        call(
          `user:default/${who}`,
          'POST',
          `/projects/shop/stages/${stage}/promotions`,
          '{"freight":"f1"}',
        );

      const ownerDev = await promote('owner', 'dev');
      expect([ownerDev.status, ownerDev.body.error?.message]).toEqual([
        201,
        undefined,
      ]);
      const ownerProd = await promote('owner', 'prod');
      expect(ownerProd.status).toBe(403);
      expect(ownerProd.body.error.message).toBe(
        'You are not allowed to do this to Stage "shop:prod" (kargo.stage.promote)',
      );
      expect((await promote('stranger', 'dev')).status).toBe(403);
      // Operators: anywhere outside production, without owning anything.
      expect((await promote('operator', 'dev')).status).toBe(201);
      expect((await promote('operator', 'prod')).status).toBe(403);
      expect((await promote('manager', 'prod')).status).toBe(201);

      // Everyone signed in reads; only operators apply manifests.
      expect(
        (await call('user:default/stranger', 'GET', '/projects/shop/stages'))
          .status,
      ).toBe(200);
      expect(
        (
          await call(
            'user:default/owner',
            'PUT',
            '/resources',
            PIPELINE.split('---')[0],
          )
        ).status,
      ).toBe(403);
    });
  },
);
