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
 * `kargo:warehouse:refresh`: asks a Warehouse to discover artifacts now, as
 * the user who runs the template (permission `kargo.warehouse.refresh`).
 */
export function createRefreshWarehouseAction(options: KargoActionOptions) {
  const asInitiator = kargoCaller(options);
  return createTemplateAction({
    id: 'kargo:warehouse:refresh',
    description:
      'Asks a Kargo Warehouse to discover new artifacts (commits, images, charts) now, as the user running the template.',
    supportsDryRun: true,
    examples: [
      stepsExample('Discover the commit just pushed', {
        id: 'discover',
        action: 'kargo:warehouse:refresh',
        input: { project: 'shop', warehouse: 'shop' },
      }),
    ],
    schema: {
      input: {
        project: nameField('Kargo project'),
        warehouse: nameField('Warehouse to refresh'),
      },
      output: {
        warehouse: z => z.string().describe('Name of the Warehouse refreshed'),
      },
    },
    async handler(ctx) {
      const project = requireName('project', ctx.input.project);
      const warehouse = requireName('warehouse', ctx.input.warehouse);
      await runKargoStep(ctx, asInitiator, {
        plan: `refresh Warehouse ${project}/${warehouse}`,
        dryRunOutput: { warehouse },
        async call(client, req) {
          const refreshed = await client.refreshWarehouse(
            project,
            warehouse,
            req,
          );
          return {
            done: `Asked Warehouse ${project}/${refreshed.metadata.name} to discover`,
            output: { warehouse: refreshed.metadata.name },
          };
        },
      });
    },
  });
}
