import type { Config } from '@backstage/config';
import type { StageHealthChecker } from '@kargo-backstage/plugin-kargo-node';
import { ArgoCDConnector } from './ArgoCDConnector';
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

/**
 * The Stage health checkers the suite has built in: `argocd-update`'s,
 * reading Applications through the instances of `kargo.argocd`. Pass
 * `connector` to share clients with the steps; `onRefreshError` hears of
 * hard-refresh requests that failed (they never change the verdict).
 */
export function createBuiltinHealthCheckers(deps: {
  config: Config;
  connector?: ArgoCDConnector;
  onRefreshError?: (message: string) => void;
}): StageHealthChecker[] {
  return [
    new ArgoCDHealthChecker(
      deps.connector ?? ArgoCDConnector.fromConfig(deps.config),
      deps.onRefreshError,
    ),
  ];
}
