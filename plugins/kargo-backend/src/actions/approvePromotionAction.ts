import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { KargoOperations } from '../service/KargoOperations';

/**
 * `approve-promotion`: the review endpoint's approve path (permission on
 * the Stage, the step's own approvers, audit) for a waiting Promotion.
 */
export function registerApprovePromotionAction(
  actionsRegistry: ActionsRegistryService,
  deps: { operations: KargoOperations },
) {
  actionsRegistry.register({
    name: 'approve-promotion',
    title: 'Approve a Kargo Promotion waiting for approval',
    description:
      'Approves a Kargo Promotion that waits in a wait-for-approval step, as the calling user: the step decides who may approve (named users, groups, owners; not the requester when it forbids that), and the caller needs kargo.promotion.review on its Stage. Each user approves a step once.',
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          project: z.string().describe('The Kargo project'),
          promotion: z.string().describe('The name of the Promotion'),
          comment: z.string().optional().describe('Shown with the approval'),
        }),
      output: z =>
        z.object({
          promotion: z.string(),
          step: z.string().describe('The alias of the approved step'),
          reviewer: z.string(),
          decision: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const review = await deps.operations.reviewPromotion(
        { credentials, action: 'approve-promotion' },
        input.project,
        input.promotion,
        'Approved',
        input.comment,
      );
      return {
        output: {
          promotion: review.promotion,
          step: review.step,
          reviewer: review.reviewer,
          decision: review.decision,
        },
      };
    },
  });
}
