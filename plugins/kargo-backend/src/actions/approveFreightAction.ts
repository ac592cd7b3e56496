import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { KargoOperations } from '../service/KargoOperations';

/** `approve-freight`: the approve endpoint's path (permissions, audit). */
export function registerApproveFreightAction(
  actionsRegistry: ActionsRegistryService,
  deps: { operations: KargoOperations },
) {
  actionsRegistry.register({
    name: 'approve-freight',
    title: 'Approve Kargo Freight for a Stage',
    description:
      "Approves a piece of Freight (by name or alias) for a Kargo Stage, as Kargo's manual approval does: it becomes available to the Stage without passing verification upstream; no Promotion is started. The caller needs kargo.freight.approve and kargo.stage.promote on the Stage. Approving again changes nothing.",
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          project: z.string().describe('The Kargo project'),
          freight: z.string().describe('The Freight: its name or its alias'),
          stage: z.string().describe('The Stage to approve it for'),
        }),
      output: z =>
        z.object({
          freight: z.string().describe('The name of the approved Freight'),
          stage: z.string(),
          approvedAt: z.string().optional(),
          approvedBy: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const { project, freight, stage } = input;
      const approved = await deps.operations.approveFreight(
        { credentials, action: 'approve-freight' },
        project,
        freight,
        stage,
      );
      const approval = (
        approved.status.approvedFor as
          | Record<string, { approvedAt?: string; approvedBy?: string }>
          | undefined
      )?.[stage];
      return {
        output: {
          freight: approved.name,
          stage,
          ...(approval?.approvedAt ? { approvedAt: approval.approvedAt } : {}),
          ...(approval?.approvedBy ? { approvedBy: approval.approvedBy } : {}),
        },
      };
    },
  });
}
