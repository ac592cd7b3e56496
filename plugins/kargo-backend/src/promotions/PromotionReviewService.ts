import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { LinkedEntityOwners } from '../catalog/LinkedEntityOwners';
import type {
  KargoStore,
  PromotionReview,
  PromotionReviews,
} from '../database';
import type { StepMeta } from './stepStatus';
import { type ApprovalRequest, mayReview } from './steps/approval';

/** A person reviewing: their user ref and ownership claims (groups). */
export type Reviewer = { userEntityRef: string; claims: string[] };

/**
 * Approvals and rejections of Promotions waiting in a `wait-for-approval`
 * step: checked against what the waiting step asks (its evaluated config),
 * recorded once per reviewer, and the Promotion woken to count them.
 */
export class PromotionReviewService {
  constructor(
    private readonly store: KargoStore,
    private readonly reviews: PromotionReviews,
    private readonly owners: LinkedEntityOwners,
    /** Lets the Stage's waiting Promotion run now. */
    private readonly wake: (project: string, stage: string) => Promise<void>,
  ) {}

  /** The waiting step of a Promotion and what it asks, or why there is none. */
  async waiting(project: string, name: string) {
    const promotion = await this.store.getResource({
      kind: 'Promotion',
      project,
      name,
    });
    if (!promotion) {
      throw new NotFoundError(`Promotion "${project}/${name}" not found`);
    }
    const index = Number(promotion.status.currentStep ?? 0);
    const step = (
      (promotion.spec.steps ?? []) as Array<{
        uses?: string;
        as?: string;
      }>
    )[index];
    const meta = ((promotion.status.stepExecutionMetadata ?? []) as StepMeta[])[
      index
    ];
    const alias = meta?.alias ?? step?.as ?? `step-${index}`;
    const request = (
      (promotion.status.state ?? {}) as Record<string, JsonObject>
    )[alias] as unknown as ApprovalRequest | undefined;
    if (
      promotion.status.phase !== 'Running' ||
      step?.uses !== 'wait-for-approval' ||
      !request?.approvers
    ) {
      throw new ConflictError(
        `Promotion "${project}/${name}" is not waiting for approval (${
          promotion.status.phase ?? 'Pending'
        })`,
      );
    }
    return { promotion, alias, request };
  }

  async review(
    project: string,
    name: string,
    reviewer: Reviewer,
    decision: PromotionReview['decision'],
    comment?: string,
  ): Promise<PromotionReview> {
    if (decision === 'Rejected' && !comment?.trim()) {
      throw new InputError(
        'reason: required to reject, it ends the Promotion as Failed with it',
      );
    }
    const { promotion, alias, request } = await this.waiting(project, name);
    const stage = String(promotion.spec.stage);
    const linked = request.approvers.owners
      ? await this.owners.of(project, stage)
      : [];
    const allowed = mayReview(request, reviewer, linked);
    if (!allowed.ok) throw new NotAllowedError(allowed.reason);
    const review = {
      project,
      promotion: name,
      step: alias,
      reviewer: reviewer.userEntityRef,
      decision,
      ...(comment?.trim() ? { comment: comment.trim() } : {}),
    };
    if (!(await this.reviews.add(review))) {
      throw new ConflictError(
        `${reviewer.userEntityRef} already reviewed step "${alias}" of Promotion "${project}/${name}"`,
      );
    }
    await this.wake(project, stage);
    return { ...review, createdAt: new Date().toISOString() };
  }
}
