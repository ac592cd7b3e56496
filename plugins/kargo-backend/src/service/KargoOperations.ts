import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  kargoFreightApprovePermission,
  kargoProjectReadPermission,
  kargoPromotionReviewPermission,
  kargoStagePromotePermission,
} from '@kargo-backstage/plugin-kargo-common';
import type { PromotionReview, StoredResource } from '../database';
import type { PromotionReviewService } from '../promotions/PromotionReviewService';
import type { PromotionService } from '../promotions/PromotionService';
import type { StageService } from '../stages/StageService';
import { actorOf, Caller, KargoAccess, onStage } from './KargoAccess';
import { promotionRequestOf } from './promotionRequest';

export type KargoOperationsOptions = {
  permissions: PermissionsService;
  auditor: AuditorService;
  promotions: PromotionService;
  stages: StageService;
  reviews: PromotionReviewService;
  /** Ownership claims of reviewers (their groups). */
  userInfo: UserInfoService;
};

/**
 * The changes offered both by the API routes and by Backstage's actions
 * registry (promote, approve Freight, review a Promotion): each with its
 * permission checks, audit event and service call defined once, so
 * automation and people go through the same gates.
 */
export class KargoOperations {
  readonly access: KargoAccess;

  constructor(private readonly options: KargoOperationsOptions) {
    this.access = new KargoAccess(options.permissions, options.auditor);
  }

  /** The Stage a Promotion is for (read permission first: no leak by 404). */
  async stageOfPromotion(
    credentials: BackstageCredentials,
    project: string,
    name: string,
  ): Promise<string> {
    await this.access.authorize(credentials, kargoProjectReadPermission);
    const promotion = await this.options.promotions.get(project, name);
    return String(promotion.stage ?? promotion.spec.stage);
  }

  /**
   * Promotes the Freight `body` names (freight, freightAlias or origin)
   * into a Stage; freezes, windows and rejected Freight refuse it.
   */
  promote(
    caller: Caller,
    project: string,
    stage: string,
    body: JsonObject,
  ): Promise<StoredResource> {
    return this.access.audited(
      caller,
      {
        eventId: 'promotion-create',
        permission: [onStage(kargoStagePromotePermission, project, stage)],
        meta: { project, stage, request: body },
      },
      () =>
        this.options.promotions.create(
          project,
          stage,
          promotionRequestOf(body, { origin: true }),
          actorOf(caller.credentials),
        ),
      created => ({ promotion: created.name, freight: created.spec.freight }),
    );
  }

  /** Kargo's manual approval of Freight (name or alias) for a Stage. */
  approveFreight(
    caller: Caller,
    project: string,
    freight: string,
    stage: string,
  ): Promise<StoredResource> {
    return this.access.audited(
      caller,
      {
        eventId: 'freight-approve',
        // Kargo: approving makes Freight promotable, so it takes the
        // promote permission too.
        permission: [
          onStage(kargoFreightApprovePermission, project, stage),
          onStage(kargoStagePromotePermission, project, stage),
        ],
        meta: { project, freight, stage },
      },
      () =>
        this.options.stages.approve(
          project,
          freight,
          stage,
          actorOf(caller.credentials),
        ),
      f => ({ freight: f.name }),
    );
  }

  /**
   * Approves or rejects a Promotion waiting in a `wait-for-approval` step,
   * as the user the credentials name (the step decides who may).
   */
  async reviewPromotion(
    caller: Caller,
    project: string,
    name: string,
    decision: PromotionReview['decision'],
    text?: string,
  ): Promise<PromotionReview> {
    const stage = await this.stageOfPromotion(
      caller.credentials,
      project,
      name,
    );
    return this.access.audited(
      caller,
      {
        eventId:
          decision === 'Approved' ? 'promotion-approve' : 'promotion-reject',
        permission: [onStage(kargoPromotionReviewPermission, project, stage)],
        meta: { project, promotion: name, stage },
      },
      async () => {
        const { credentials } = caller;
        const { type } = credentials.principal as { type: string };
        if (type !== 'user') {
          // Approvers are people: a step names users and groups.
          throw new NotAllowedError(
            `Only a user may review a Promotion, not a ${type} principal`,
          );
        }
        const info = await this.options.userInfo.getUserInfo(credentials);
        return this.options.reviews.review(
          project,
          name,
          {
            userEntityRef: info.userEntityRef,
            claims: info.ownershipEntityRefs,
          },
          decision,
          text,
        );
      },
      r => ({ step: r.step, ...(r.comment ? { comment: r.comment } : {}) }),
    );
  }
}
