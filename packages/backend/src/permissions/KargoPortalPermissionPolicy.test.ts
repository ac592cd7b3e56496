import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  kargoProjectReadPermission,
  kargoResourceManagePermission,
  kargoStagePromotePermission,
} from '@kargo-backstage/plugin-kargo-common';
import { KargoPortalPermissionPolicy } from './KargoPortalPermissionPolicy';

const policy = new KargoPortalPermissionPolicy(
  new ConfigReader({
    permission: { kargo: { operatorGroups: ['group:default/platform-team'] } },
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

const decide = async (
  permission: typeof kargoProjectReadPermission,
  who?: PolicyQueryUser,
) => (await policy.handle({ permission }, who)).result;

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

  it('reserves changes to Kargo resources and promotions to operator groups', async () => {
    expect(await decide(kargoResourceManagePermission, developer)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(kargoStagePromotePermission, developer)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(kargoResourceManagePermission, operator)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(kargoStagePromotePermission, operator)).toBe(
      AuthorizeResult.ALLOW,
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
