import type { JsonObject } from '@backstage/types';
import {
  type PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import {
  checkReadiness,
  DEFAULT_WAIT_FOR,
  type WaitFor,
} from '../../../argocd/appReadiness';
import {
  noAppsMatched,
  resolveApps,
  type AppReference,
} from '../../../argocd/appSelection';
import { argocdWaitSchema } from './schemas';
import {
  type ArgoCDStepDeps,
  asStepError,
  connectForStage,
} from './stepSupport';

type AppWait = AppReference & { waitFor?: WaitFor[] };

/** Health seen by the previous attempt, `namespace/name` → status. */
function previousHealth(
  output: JsonObject | undefined,
): Record<string, string> {
  const seen = output?.healthStatus;
  if (!seen || typeof seen !== 'object' || Array.isArray(seen)) return {};
  return Object.fromEntries(
    Object.entries(seen).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * `argocd-wait`: waits, without syncing anything, until Argo CD
 * Applications meet `waitFor` (default: Healthy, Synced, no operation), as
 * Kargo's v1.10 step does for setups where Argo CD syncs by itself. Needs
 * no authorization (it changes nothing but a refresh request); fails fast
 * on error conditions and on an App that turns Degraded.
 */
export function createArgoCDWaitStep(
  deps: ArgoCDStepDeps,
): PromotionStepRunner {
  return {
    name: 'argocd-wait',
    configSchema: argocdWaitSchema,
    defaultTimeoutMs: 5 * 60_000,
    async run(ctx) {
      const config = ctx.config as { apps: AppWait[] };
      const { client } = await connectForStage(deps, ctx);
      const before = previousHealth(ctx.previousOutput);
      const healthStatus: Record<string, string> = { ...before };
      const apps: JsonObject[] = [];
      const waiting: string[] = [];
      try {
        for (const spec of config.apps) {
          const waitFor = spec.waitFor?.length
            ? spec.waitFor
            : DEFAULT_WAIT_FOR;
          const found = await resolveApps(client, spec, ctx.signal);
          if (spec.selector && !found.apps.length) {
            throw noAppsMatched(found.namespace);
          }
          for (const app of found.apps) {
            const { name, namespace } = app.metadata;
            const key = `${namespace}/${name}`;
            apps.push({ name, namespace });
            const health = app.status?.health?.status;
            if (health) healthStatus[key] = health;
            const readiness = checkReadiness(app, waitFor, before[key]);
            if (readiness.ready) continue;
            if ('fatal' in readiness)
              throw new TerminalStepError(readiness.fatal);
            waiting.push(readiness.waiting);
            if (readiness.refresh) {
              await client
                .requestHardRefresh(app, ctx.signal)
                .catch(error =>
                  ctx.log(
                    `failed to request hard refresh for ${key}: ${error.message}`,
                  ),
                );
            }
          }
        }
      } catch (error) {
        throw asStepError(error);
      }
      const output = { apps, healthStatus };
      if (!waiting.length) return { status: 'Succeeded', output };
      return {
        status: 'Running',
        message: `waiting: ${waiting.join('; ')}`,
        output,
        retryAfterMs: deps.connector.settings.pollIntervalMs,
      };
    },
  };
}
