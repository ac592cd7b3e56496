import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import type { KargoStore, PromotionReviews } from '../../../database';
import { CREATE_ACTOR_ANNOTATION } from '../../PromotionCreator';
import { type ApprovalRequest, approvalRequestOf } from './approvalRequest';

/** A waiting step looks again this often; reviews wake it at once. */
const RECHECK_MS = 60_000;

const entityRefs = {
  type: 'array',
  items: { type: 'string', pattern: '^[a-z][a-z0-9-]*:.+/.+$' },
};

/**
 * `wait-for-approval` (Kargo Enterprise's step, on Backstage identities):
 * the Promotion waits here until `minApprovals` distinct approvers approve
 * it in the portal or through the API; one rejection fails it with the
 * reviewer's reason. Approvers are catalog users, members of catalog
 * groups, and/or the owners of the entities linked to the project;
 * `forbidRequester` keeps the Promotion's creator out (four eyes).
 */
export function createWaitForApprovalStep(deps: {
  store: KargoStore;
  reviews: PromotionReviews;
  /**
   * Told when a Promotion starts waiting (notifications to approvers). A
   * step that resumes after a restart may tell again. Must not throw.
   */
  onWaiting?: (
    promotion: { project: string; stage: string; name: string },
    request: ApprovalRequest,
  ) => void;
}): PromotionStepRunner {
  return {
    name: 'wait-for-approval',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['approvers'],
      properties: {
        minApprovals: { type: 'integer', minimum: 1, maximum: 20 },
        approvers: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            users: entityRefs,
            groups: entityRefs,
            owners: { type: 'boolean' },
          },
        },
        forbidRequester: { type: 'boolean' },
        message: { type: 'string' },
      },
    },
    async run(ctx) {
      const reviews = await deps.reviews.list(
        ctx.project,
        ctx.promotion,
        ctx.alias,
      );
      const rejected = reviews.find(r => r.decision === 'Rejected');
      if (rejected) {
        return {
          status: 'Failed',
          message: `rejected by ${rejected.reviewer}${
            rejected.comment ? `: ${rejected.comment}` : ''
          }`,
          output: { rejectedBy: rejected.reviewer },
        };
      }
      const approvedBy = reviews
        .filter(r => r.decision === 'Approved')
        .map(r => r.reviewer);
      const promotion = await deps.store.getResource({
        kind: 'Promotion',
        project: ctx.project,
        name: ctx.promotion,
      });
      const request = approvalRequestOf(
        ctx.config,
        (
          promotion?.metadata.annotations as Record<string, string> | undefined
        )?.[CREATE_ACTOR_ANNOTATION],
        approvedBy,
      );
      if (approvedBy.length >= request.minApprovals) {
        ctx.log(`Approved by ${approvedBy.join(', ')}`);
        return { status: 'Succeeded', output: { approvedBy } };
      }
      if (ctx.attempt === 1 && !ctx.previousOutput) {
        deps.onWaiting?.(
          { project: ctx.project, stage: ctx.stage, name: ctx.promotion },
          request,
        );
        ctx.log(
          `Waiting for ${request.minApprovals} approval(s)${
            request.message ? `: ${request.message}` : ''
          }`,
        );
      }
      return {
        status: 'Running',
        message: `waiting for approval: ${approvedBy.length} of ${request.minApprovals}`,
        output: request as unknown as Record<string, never>,
        retryAfterMs: RECHECK_MS,
      };
    },
  };
}
