import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { KargoStore } from '../database';
import type { KargoOperations } from '../service/KargoOperations';

/**
 * `promote-freight`: the promote endpoint's path (permission on the Stage,
 * freezes, windows, rejected Freight, audit) for Freight named by name or
 * alias.
 */
export function registerPromoteFreightAction(
  actionsRegistry: ActionsRegistryService,
  deps: { operations: KargoOperations; store: KargoStore },
) {
  actionsRegistry.register({
    name: 'promote-freight',
    title: 'Promote Kargo Freight',
    description:
      'Promotes a piece of Freight (by name or alias) into a Kargo Stage, as the promote button does: the caller needs kargo.stage.promote on the Stage, and frozen Stages, closed promotion windows and rejected or unavailable Freight refuse it. Returns the new Promotion, which then runs in the background.',
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          project: z.string().describe('The Kargo project'),
          stage: z.string().describe('The Stage to promote into'),
          freight: z.string().describe('The Freight: its name or its alias'),
        }),
      output: z =>
        z.object({
          promotion: z.string().describe('The name of the new Promotion'),
          phase: z.string(),
          freight: z.string().describe('The name of the promoted Freight'),
        }),
    },
    action: async ({ input, credentials }) => {
      const { project, stage, freight } = input;
      // The promote request takes a name or an alias, each checked exactly.
      const found = await deps.store.getFreight(project, freight);
      const body =
        found && found.name !== freight
          ? { freightAlias: freight }
          : { freight };
      const promotion = await deps.operations.promote(
        { credentials, action: 'promote-freight' },
        project,
        stage,
        body,
      );
      return {
        output: {
          promotion: promotion.name,
          phase: String(promotion.status.phase ?? 'Pending'),
          freight: String(promotion.spec.freight),
        },
      };
    },
  });
}
