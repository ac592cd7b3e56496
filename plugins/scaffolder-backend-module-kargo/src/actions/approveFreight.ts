import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  kargoCaller,
  KargoActionOptions,
  nameField,
  requireName,
  runKargoStep,
  stepsExample,
} from './kargoApi';

/**
 * `kargo:freight:approve`: makes Freight available to a Stage without its
 * upstream verification and soak, as the user who runs the template
 * (permissions `kargo.freight.approve` and `kargo.stage.promote` on that
 * Stage). It starts no Promotion.
 */
export function createApproveFreightAction(options: KargoActionOptions) {
  const asInitiator = kargoCaller(options);
  const approve = {
    id: 'approve',
    action: 'kargo:freight:approve',
    input: { project: 'shop', freight: 'wonky-wombat', stage: 'prod' },
  };
  return createTemplateAction({
    id: 'kargo:freight:approve',
    description:
      'Approves Freight for a Kargo Stage (available there at once, bypassing upstream verification and soak), as the user running the template. Starts no Promotion.',
    supportsDryRun: true,
    examples: [
      stepsExample('Let a hotfix skip staging', approve),
      stepsExample('Approve, then promote the same Freight', approve, {
        id: 'promote',
        action: 'kargo:promote',
        input: {
          project: 'shop',
          stage: 'prod',
          freight: '${{ steps.approve.output.freight }}',
        },
      }),
    ],
    schema: {
      input: {
        project: nameField('Kargo project'),
        freight: z =>
          z.string().min(1).describe('Name or alias of the Freight'),
        stage: nameField('Stage to approve it for'),
      },
      output: {
        freight: z => z.string().describe('Name of the Freight approved'),
      },
    },
    async handler(ctx) {
      const project = requireName('project', ctx.input.project);
      const stage = requireName('stage', ctx.input.stage);
      const freight = ctx.input.freight;
      if (typeof freight !== 'string' || !freight) {
        throw new Error('input.freight is required');
      }
      await runKargoStep(ctx, asInitiator, {
        plan: `approve Freight ${freight} for Stage ${project}/${stage}`,
        dryRunOutput: { freight },
        async call(client, req) {
          const approved = await client.approveFreight(
            project,
            freight,
            stage,
            req,
          );
          return {
            done: `Approved Freight ${approved.metadata.name} for Stage ${project}/${stage}`,
            output: { freight: approved.metadata.name },
          };
        },
      });
    },
  });
}
