import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  type Permission,
} from '@backstage/plugin-permission-common';
import type {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  kargoFreezeManagePermission,
  kargoProjectReadPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
} from '@kargo-backstage/plugin-kargo-common';
import { KargoPortalPermissionPolicy } from './KargoPortalPermissionPolicy';

const policy = new KargoPortalPermissionPolicy(
  new ConfigReader({
    permission: {
      kargo: {
        operatorGroups: ['group:default/platform-team'],
        productionGroups: ['group:default/release-managers'],
      },
    },
  }),
);

const user = (...ownershipEntityRefs: string[]) =>
  ({
    identity: {
      type: 'user',
      userEntityRef: ownershipEntityRefs[0],
      ownershipEntityRefs,
    },
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    credentials: {},
    token: 'token',
  } as unknown as PolicyQueryUser);

const decision = (permission: Permission, who?: PolicyQueryUser) =>
  policy.handle({ permission } as PolicyQuery, who);
const decide = async (permission: Permission, who?: PolicyQueryUser) =>
  (await decision(permission, who)).result;

describe('KargoPortalPermissionPolicy', () => {
  const developer = user('user:default/dev', 'group:default/team-a');
  const operator = user('user:default/ops', 'group:default/platform-team');

  it('lets everyone signed in read Kargo projects and use other plugins', async () => {
    expect(await decide(kargoProjectReadPermission, developer)).toBe(
      AuthorizeResult.ALLOW,
    );
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(await decide(catalogRead, developer)).toBe(AuthorizeResult.ALLOW);
  });

  it('reserves applying manifests to operator groups, and freezes to operators and release managers', async () => {
    const manager = user('user:default/rm', 'group:default/release-managers');
    expect(await decide(kargoResourceManagePermission, developer)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(kargoResourceManagePermission, operator)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(kargoResourceManagePermission, manager)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(kargoFreezeManagePermission, developer)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(kargoFreezeManagePermission, operator)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(kargoFreezeManagePermission, manager)).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets owners of linked entities promote outside production, operators anywhere but production, release managers everywhere', async () => {
    expect(await decision(kargoStagePromotePermission, developer)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kargo',
      resourceType: 'kargo-stage',
      conditions: {
        allOf: [
          {
            rule: 'IS_OWNED_BY',
            resourceType: 'kargo-stage',
            params: { claims: ['user:default/dev', 'group:default/team-a'] },
          },
          {
            not: {
              rule: 'HAS_STAGE_NAME',
              resourceType: 'kargo-stage',
              params: {
                names: ['prod', 'production', 'glob:prod-*', 'glob:*-prod'],
              },
            },
          },
        ],
      },
    });
    expect(await decision(kargoStagePromotePermission, operator)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kargo',
      resourceType: 'kargo-stage',
      conditions: {
        not: {
          rule: 'HAS_STAGE_NAME',
          resourceType: 'kargo-stage',
          params: {
            names: ['prod', 'production', 'glob:prod-*', 'glob:*-prod'],
          },
        },
      },
    });
    expect(
      await decide(
        kargoStagePromotePermission,
        user('user:default/rm', 'group:default/release-managers'),
      ),
    ).toBe(AuthorizeResult.ALLOW);
    expect(await decide(kargoStagePromotePermission)).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('lets backend services read but never change Kargo resources', async () => {
    expect(await decide(kargoProjectReadPermission)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(kargoResourceManagePermission)).toBe(
      AuthorizeResult.DENY,
    );
  });
});
