import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PromoteRequest } from '@kargo-backstage/plugin-kargo-common';
import {
  kargoCaller,
  KargoActionOptions,
  nameField,
  requireName,
  runKargoStep,
  stepsExample,
} from './kargoApi';

/**
 * `kargo:promote`: starts a Promotion of Freight into a Stage, as the user
 * who runs the template (permission `kargo.stage.promote` on that Stage).
 */
export function createPromoteAction(options: KargoActionOptions) {
  const asInitiator = kargoCaller(options);
  const promote = (input: Record<string, string>) => ({
    id: 'promote',
    action: 'kargo:promote',
    input: { project: 'shop', ...input },
  });
  return createTemplateAction({
    id: 'kargo:promote',
    description:
      'Promotes Freight into a Kargo Stage, as the user running the template: named Freight, Freight by alias, or the newest Freight of a Warehouse available to the Stage. Outputs the Promotion.',
    supportsDryRun: true,
    examples: [
      stepsExample(
        'Promote named Freight to staging',
        promote({
          stage: 'staging',
          freight: '7f5e3b0c0d1d8e9a4f3b2c1d0e9f8a7b6c5d4e3f',
        }),
      ),
      stepsExample(
        'Promote Freight by its alias',
        promote({ stage: 'prod', freightAlias: 'wonky-wombat' }),
      ),
      stepsExample(
        "Promote the newest Freight of the Warehouse 'shop' that dev may take",
        promote({ stage: 'dev', origin: 'shop' }),
      ),
    ],
    schema: {
      input: {
        project: nameField('Kargo project'),
        stage: nameField('Stage to promote to'),
        freight: z =>
          z
            .string()
            .optional()
            .describe(
              'Name of the Freight (give one of freight, freightAlias, origin)',
            ),
        freightAlias: z =>
          z.string().optional().describe('Alias of the Freight'),
        origin: z =>
          z
            .string()
            .optional()
            .describe(
              'Name of a Warehouse: promote its newest Freight that the Stage may take',
            ),
      },
      output: {
        promotion: z => z.string().describe('Name of the Promotion created'),
        freight: z => z.string().describe('Name of the Freight promoted'),
      },
    },
    async handler(ctx) {
      const project = requireName('project', ctx.input.project);
      const stage = requireName('stage', ctx.input.stage);
      const request = promoteRequestOf(ctx.input);
      await runKargoStep(ctx, asInitiator, {
        plan: `promote ${describeRequest(
          request,
        )} to Stage ${project}/${stage}`,
        dryRunOutput: { promotion: '(dry run)', freight: '(dry run)' },
        async call(client, req) {
          const promotion = await client.promote(project, stage, request, req);
          const freight = String(
            (promotion.spec as { freight?: string } | undefined)?.freight ?? '',
          );
          return {
            done: `Created Promotion ${promotion.metadata.name} of Freight ${freight} to Stage ${project}/${stage}`,
            output: { promotion: promotion.metadata.name, freight },
          };
        },
      });
    },
  });
}

function promoteRequestOf(input: {
  freight?: string;
  freightAlias?: string;
  origin?: string;
}): PromoteRequest {
  const given = (['freight', 'freightAlias', 'origin'] as const).filter(
    key => input[key],
  );
  if (given.length !== 1) {
    throw new Error(
      `Give exactly one of input.freight, input.freightAlias or input.origin${
        given.length ? ` (got ${given.join(', ')})` : ''
      }`,
    );
  }
  if (input.freight) {
    return { freight: requireName('freight', input.freight) };
  }
  if (input.freightAlias) {
    return { freightAlias: input.freightAlias };
  }
  return {
    origin: { kind: 'Warehouse', name: requireName('origin', input.origin) },
  };
}

function describeRequest(request: PromoteRequest): string {
  if ('freight' in request) {
    return `Freight ${request.freight}`;
  }
  if ('freightAlias' in request) {
    return `Freight "${request.freightAlias}"`;
  }
  return `the newest Freight of Warehouse ${request.origin.name}`;
}
