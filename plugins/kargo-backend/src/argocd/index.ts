import type { Config } from '@backstage/config';
import type { StageHealthChecker } from '@kargo-backstage/plugin-kargo-node';
import { ArgoCDConnector } from './ArgoCDConnector';
import type { ApplicationStageIndex } from './ApplicationStageIndex';
import { ArgoCDHealthChecker } from './ArgoCDHealthChecker';

export { ArgoCDConnector } from './ArgoCDConnector';
export {
  ArgoCDHealthChecker,
  type ArgoCDHealthInput,
} from './ArgoCDHealthChecker';
export {
  ArgoCDConfigError,
  ArgoCDSettings,
  type ArgoCDInstance,
} from './argocdSettings';
export { ApplicationClient, KubeApiError } from './ApplicationClient';
export { ApplicationStageIndex } from './ApplicationStageIndex';
export { ApplicationWatches } from './ApplicationWatches';

/**
 * The Stage health checkers the suite has built in: `argocd-update`'s,
 * reading Applications through the instances of `kargo.argocd`. Pass
 * `connector` to share clients with the steps; `onRefreshError` hears of
 * hard-refresh requests that failed (they never change the verdict);
 * `index` learns which Stages read which Applications.
 */
export function createBuiltinHealthCheckers(deps: {
  config: Config;
  connector?: ArgoCDConnector;
  onRefreshError?: (message: string) => void;
  index?: ApplicationStageIndex;
}): StageHealthChecker[] {
  return [
    new ArgoCDHealthChecker(
      deps.connector ?? ArgoCDConnector.fromConfig(deps.config),
      deps.onRefreshError,
      deps.index,
    ),
  ];
}
