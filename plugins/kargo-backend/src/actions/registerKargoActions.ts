import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { KargoStore } from '../database';
import type { EntityPipelineLoader } from '../service/EntityPipelineLoader';
import type { KargoOperations } from '../service/KargoOperations';
import { registerApproveFreightAction } from './approveFreightAction';
import { registerApprovePromotionAction } from './approvePromotionAction';
import { registerListKargoPipelinesAction } from './listKargoPipelinesAction';
import { registerPromoteFreightAction } from './promoteFreightAction';

/**
 * Kargo in Backstage's actions registry, for automation and assistants:
 * the same permission checks, gates and audit as the API, since the
 * actions call the operations its routes call.
 */
export function registerKargoActions(options: {
  actionsRegistry: ActionsRegistryService;
  operations: KargoOperations;
  store: KargoStore;
  pipelines: EntityPipelineLoader;
}) {
  const { actionsRegistry, operations, store, pipelines } = options;
  registerListKargoPipelinesAction(actionsRegistry, {
    access: operations.access,
    store,
    pipelines,
  });
  registerPromoteFreightAction(actionsRegistry, { operations, store });
  registerApproveFreightAction(actionsRegistry, { operations });
  registerApprovePromotionAction(actionsRegistry, { operations });
}
