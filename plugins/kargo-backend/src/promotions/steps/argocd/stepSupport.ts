import {
  type PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import {
  ArgoCDConfigError,
  KubeApiError,
  type ArgoCDConnector,
  type ApplicationClient,
} from '../../../argocd';
import { InvalidSelectorError } from '../../../argocd/appSelection';
import type { KargoStore } from '../../../database';
import { CREATE_ACTOR_ANNOTATION } from '../../PromotionCreator';

export type ArgoCDStepDeps = {
  connector: ArgoCDConnector;
  /** For the Stage's shard and the Promotion's actor. */
  store: Pick<KargoStore, 'getResource'>;
};

/**
 * The client of the Argo CD instance serving the Stage's shard (Stage
 * `spec.shard`, "" when unset). Missing or disabled config is terminal:
 * retrying cannot fix it.
 */
export async function connectForStage(
  deps: ArgoCDStepDeps,
  ctx: PromotionStepContext,
): Promise<{ client: ApplicationClient; shard: string }> {
  const stage = await deps.store.getResource({
    kind: 'Stage',
    project: ctx.project,
    name: ctx.stage,
  });
  const shard = typeof stage?.spec.shard === 'string' ? stage.spec.shard : '';
  try {
    return { client: deps.connector.clientFor(shard), shard };
  } catch (error) {
    if (error instanceof ArgoCDConfigError) {
      throw new TerminalStepError(error.message);
    }
    throw error;
  }
}

/**
 * Who asked for the Promotion (its create-actor annotation), or undefined
 * for one the engine created by itself: Argo CD applies sync windows to
 * operations a person started, so it must not look automated.
 */
export async function promotionActor(
  deps: ArgoCDStepDeps,
  ctx: PromotionStepContext,
): Promise<string | undefined> {
  const promotion = await deps.store.getResource({
    kind: 'Promotion',
    project: ctx.project,
    name: ctx.promotion,
  });
  const annotations = promotion?.metadata.annotations as
    | Record<string, unknown>
    | undefined;
  const actor = annotations?.[CREATE_ACTOR_ANNOTATION];
  return typeof actor === 'string' && actor ? actor : undefined;
}

/**
 * Errors retrying cannot fix become terminal: refused credentials (the
 * token is config) and selectors that cannot be written as a query.
 */
export function asStepError(error: unknown): unknown {
  if (error instanceof InvalidSelectorError) {
    return new TerminalStepError(error.message);
  }
  if (
    error instanceof KubeApiError &&
    (error.code === 401 || error.code === 403)
  ) {
    return new TerminalStepError(error.message);
  }
  return error;
}
