import type { JsonObject } from '@backstage/types';
import {
  type PromotionStepContext,
  type PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import type { ApplicationClient } from '../../../argocd';
import {
  describeApp,
  isFailed,
  type Application,
  type OperationPhase,
} from '../../../argocd/application';
import { noAppsMatched, resolveApps } from '../../../argocd/appSelection';
import { authorizationProblem } from '../../../argocd/authorization';
import type { AppSelector } from '../../../argocd/labelSelector';
import {
  checkUpdatesApplicable,
  desiredRevisions,
  desiredSources,
  type SourceUpdate,
} from '../../../argocd/sourceUpdates';
import {
  decideSync,
  mostImportantPhase,
  syncStartedEvent,
  withSyncOperation,
} from '../../../argocd/syncOperation';
import { argocdUpdateSchema } from './schemas';
import {
  type ArgoCDStepDeps,
  asStepError,
  connectForStage,
  promotionActor,
} from './stepSupport';

type AppUpdate = {
  name?: string;
  namespace?: string;
  selector?: AppSelector;
  sources?: SourceUpdate[];
};

type Run = {
  ctx: PromotionStepContext;
  client: ApplicationClient;
  actor?: string;
  waiting: string[];
};

/**
 * The Apps an update may change. A named App must authorize the Stage; of
 * those a selector matches, unauthorized ones are skipped (and logged),
 * but at least one must remain.
 */
async function authorizedApps(run: Run, update: AppUpdate) {
  const { ctx, client } = run;
  const { namespace, apps } = await resolveApps(client, update, ctx.signal);
  if (!update.selector) {
    const problem = authorizationProblem(apps[0], ctx.project, ctx.stage);
    if (problem) throw new Error(problem);
    return apps;
  }
  if (!apps.length) throw noAppsMatched(namespace);
  const allowed = apps.filter(app => {
    const problem = authorizationProblem(app, ctx.project, ctx.stage);
    if (problem) ctx.log(`skipping unauthorized Application: ${problem}`);
    return !problem;
  });
  if (!allowed.length) {
    throw new Error(
      `found ${apps.length} Application(s) matching selector in namespace "${namespace}", but none are authorized for Stage ${ctx.project}:${ctx.stage}`,
    );
  }
  return allowed;
}

/** Starts our sync of one App, or reports where its operation stands. */
async function processApp(
  run: Run,
  updates: SourceUpdate[],
  app: Application,
): Promise<OperationPhase> {
  const { ctx, client } = run;
  const who = describeApp(app.metadata);
  const decision = decideSync(
    app,
    ctx.promotion,
    desiredRevisions(updates, app),
  );
  if (decision.reason) ctx.log(`${who}: ${decision.reason}`);
  if (!decision.sync) {
    const phase = decision.phase ?? 'Running';
    if (isFailed(phase)) {
      throw new TerminalStepError(
        `${who} failed with: ${app.status?.operationState?.message ?? ''}`,
      );
    }
    if (phase !== 'Succeeded') run.waiting.push(`${who} to finish syncing`);
    return phase;
  }
  let started: Application | undefined;
  const { namespace, name } = app.metadata;
  const written = await client.update(
    namespace,
    name,
    current => {
      // Decided again on what is really there: a concurrent attempt (or a
      // conflict) may have started our sync already.
      started = undefined;
      const revisions = desiredRevisions(updates, current);
      if (!decideSync(current, ctx.promotion, revisions).sync) return undefined;
      let sources;
      try {
        sources = desiredSources(updates, current);
      } catch (error) {
        throw new Error(
          `error building desired sources for ${who}: ${
            (error as Error).message
          }`,
        );
      }
      started = withSyncOperation(current, {
        promotion: ctx.promotion,
        actor: run.actor,
        sources,
      });
      return started;
    },
    ctx.signal,
  );
  if (!written) throw new Error(`unable to find ${who}`);
  if (started) {
    ctx.log(
      `${who}: started a sync for Promotion ${ctx.promotion} as ${started.operation?.initiatedBy?.username}`,
    );
    await client
      .recordEvent(syncStartedEvent(written, new Date()), ctx.signal)
      .catch(error =>
        ctx.log(`${who}: could not record the sync event: ${error.message}`),
      );
  }
  run.waiting.push(`${who} to finish syncing`);
  return 'Running';
}

/**
 * `argocd-update`: updates Argo CD Applications (sources, target
 * revisions, Kustomize images, Helm parameters) and has Argo CD sync them,
 * as Kargo's step does: only Applications that authorize the Stage; Running
 * until every sync finished; on success a health check for the Stage.
 */
export function createArgoCDUpdateStep(
  deps: ArgoCDStepDeps,
): PromotionStepRunner {
  return {
    name: 'argocd-update',
    configSchema: argocdUpdateSchema,
    defaultTimeoutMs: 5 * 60_000,
    async run(ctx) {
      const config = ctx.config as { apps: AppUpdate[] };
      const { client, shard } = await connectForStage(deps, ctx);
      const run: Run = {
        ctx,
        client,
        actor: await promotionActor(deps, ctx),
        waiting: [],
      };
      const phases: OperationPhase[] = [];
      const outputApps: JsonObject[] = [];
      const healthApps: JsonObject[] = [];
      try {
        for (const update of config.apps) {
          const updates = update.sources ?? [];
          const apps = await authorizedApps(run, update);
          if (updates.length) checkUpdatesApplicable(updates, apps);
          for (const app of apps) {
            const { name, namespace } = app.metadata;
            outputApps.push({ name, namespace });
            healthApps.push({
              name,
              namespace,
              desiredRevisions: desiredRevisions(updates, app),
            });
            phases.push(await processApp(run, updates, app));
          }
        }
      } catch (error) {
        throw asStepError(error);
      }
      const output = { apps: outputApps };
      const phase = mostImportantPhase(phases);
      if (phase === 'Succeeded') {
        return {
          status: 'Succeeded',
          output,
          healthCheck: {
            uses: 'argocd-update',
            config: { apps: healthApps, ...(shard ? { shard } : {}) },
          },
        };
      }
      if (phase === 'Running' || phase === 'Terminating') {
        return {
          status: 'Running',
          message: `waiting for ${run.waiting.join(', ')}`,
          output,
          retryAfterMs: deps.connector.settings.pollIntervalMs,
        };
      }
      throw new Error(
        `could not determine promotion step status from operation phases: [${phases.join(
          ' ',
        )}]`,
      );
    },
  };
}
