import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { kargoPermissions } from '@kargo-backstage/plugin-kargo-common';

const READ_ONLY = new Set(['kargo.project.read']);
const KARGO = new Set(kargoPermissions.map(p => p.name));

/**
 * The portal's policy: everyone may read Kargo projects; changing Kargo
 * resources (apply, promote, approve, abort, refresh) needs a user who is a
 * member of one of `permission.kargo.operatorGroups`. Requests without a
 * user come from backend services (the routes refuse anonymous callers):
 * they may read, never change. Other plugins' permissions are allowed, as in
 * a default Backstage.
 */
export class KargoPortalPermissionPolicy implements PermissionPolicy {
  private readonly operatorGroups: Set<string>;

  constructor(config: Config) {
    this.operatorGroups = new Set(
      config.getOptionalStringArray('permission.kargo.operatorGroups') ?? [],
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (!KARGO.has(name) || READ_ONLY.has(name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const refs = user?.info.ownershipEntityRefs ?? [];
    return refs.some(ref => this.operatorGroups.has(ref))
      ? { result: AuthorizeResult.ALLOW }
      : { result: AuthorizeResult.DENY };
  }
}
