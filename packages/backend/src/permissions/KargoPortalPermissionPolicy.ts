import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createKargoStageConditionalDecision,
  kargoStageConditions,
} from '@kargo-backstage/plugin-kargo-backend';
import {
  KARGO_STAGE_RESOURCE_TYPE,
  kargoFreezeManagePermission,
  kargoPermissions,
  kargoProjectReadPermission,
  kargoPromotionReviewPermission,
} from '@kargo-backstage/plugin-kargo-common';

const KARGO = new Set(kargoPermissions.map(p => p.name));

/** Stage names that count as production unless configured otherwise. */
const DEFAULT_PRODUCTION_STAGES = [
  'prod',
  'production',
  'glob:prod-*',
  'glob:*-prod',
];

/**
 * The portal's example policy for the Kargo suite:
 *
 * - everyone signed in may read Kargo projects;
 * - promoting, approving and aborting (permissions on one Stage): members
 *   of `permission.kargo.productionGroups` anywhere; otherwise only outside
 *   production (`permission.kargo.productionStages`, Kargo name patterns),
 *   and only the owners of a catalog entity linked to the Stage's project
 *   (its `kargo.akuity.io/project` annotation) or members of
 *   `permission.kargo.operatorGroups`;
 * - reviewing a Promotion waiting for approval: whoever its
 *   `wait-for-approval` step names as approvers;
 * - freezing and unfreezing (stop-the-line): operators and production
 *   groups;
 * - applying manifests and refreshing Warehouses: operator groups only.
 *
 * Requests without a user come from backend services (the routes refuse
 * anonymous callers): they may read, never change. Other plugins'
 * permissions are allowed, as in a default Backstage.
 */
export class KargoPortalPermissionPolicy implements PermissionPolicy {
  private readonly operatorGroups: Set<string>;
  private readonly productionGroups: Set<string>;
  private readonly productionStages: string[];

  constructor(config: Config) {
    const groups = (key: string) =>
      new Set(config.getOptionalStringArray(`permission.kargo.${key}`) ?? []);
    this.operatorGroups = groups('operatorGroups');
    this.productionGroups = groups('productionGroups');
    this.productionStages =
      config.getOptionalStringArray('permission.kargo.productionStages') ??
      DEFAULT_PRODUCTION_STAGES;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !KARGO.has(permission.name) ||
      permission.name === kargoProjectReadPermission.name
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = user?.info.ownershipEntityRefs ?? [];
    const inAny = (groups: Set<string>) => claims.some(ref => groups.has(ref));
    if (!user) return { result: AuthorizeResult.DENY };

    // Who may review a waiting Promotion is the step's own `approvers`.
    if (permission.name === kargoPromotionReviewPermission.name) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, KARGO_STAGE_RESOURCE_TYPE)) {
      if (inAny(this.productionGroups))
        return { result: AuthorizeResult.ALLOW };
      const outsideProduction = {
        not: kargoStageConditions.hasStageName({
          names: this.productionStages,
        }),
      };
      return createKargoStageConditionalDecision(
        permission,
        inAny(this.operatorGroups)
          ? outsideProduction
          : {
              allOf: [
                kargoStageConditions.isOwnedBy({ claims }),
                outsideProduction,
              ],
            },
      );
    }
    const allowed =
      inAny(this.operatorGroups) ||
      (permission.name === kargoFreezeManagePermission.name &&
        inAny(this.productionGroups));
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}
