import type { JsonObject } from '@backstage/types';
import type {
  StageHealthChecker,
  StageHealthResult,
  StageHealthStatus,
} from '@kargo-backstage/plugin-kargo-node';
import { assessApp, worseOf } from './appHealth';
import type { ApplicationStageIndex } from './ApplicationStageIndex';
import type { ArgoCDConnector } from './ArgoCDConnector';
import { ArgoCDConfigError } from './argocdSettings';

/** What argocd-update registers: the Apps and the revisions they must run. */
export type ArgoCDHealthInput = {
  apps: Array<{
    name: string;
    namespace?: string;
    desiredRevisions?: string[];
  }>;
  /** The Stage's shard when it has one: which Argo CD instance to ask. */
  shard?: string;
};

function parseInput(config: JsonObject): ArgoCDHealthInput {
  const apps = config.apps;
  if (
    !Array.isArray(apps) ||
    !apps.every(
      a =>
        !!a &&
        typeof a === 'object' &&
        typeof (a as JsonObject).name === 'string',
    )
  ) {
    throw new Error(
      '"apps" must be a list of {name, namespace, desiredRevisions}',
    );
  }
  if (config.shard !== undefined && typeof config.shard !== 'string') {
    throw new Error('"shard" must be a string');
  }
  return config as unknown as ArgoCDHealthInput;
}

/**
 * Stage health from the Argo CD Applications an `argocd-update` step
 * updated, judged app by app as Kargo judges them; the Stage gets the
 * worst. Apps whose status predates their last operation are sent a hard
 * refresh so that the next check can trust them.
 */
export class ArgoCDHealthChecker implements StageHealthChecker {
  // The name Kargo's argocd-update step has always registered its checks under.
  readonly name = 'argocd-update';

  constructor(
    private readonly connector: ArgoCDConnector,
    private readonly onRefreshError: (message: string) => void = () => {},
    /** Learns which Stages read which Applications (for the watches). */
    private readonly index?: ApplicationStageIndex,
  ) {}

  async check(context: {
    project: string;
    stage: string;
    config: JsonObject;
    signal: AbortSignal;
  }): Promise<StageHealthResult> {
    let input: ArgoCDHealthInput;
    try {
      input = parseInput(context.config);
    } catch (error) {
      return {
        status: 'Unknown',
        issues: [
          `could not convert opaque input into ${
            this.name
          } health check input: ${(error as Error).message}`,
        ],
      };
    }
    let client;
    try {
      client = this.connector.clientFor(input.shard ?? '');
    } catch (error) {
      if (!(error instanceof ArgoCDConfigError)) throw error;
      return {
        status: 'Unknown',
        issues: [
          `cannot assess the health or sync status of Argo CD Applications: ${error.message}`,
        ],
      };
    }
    let status: StageHealthStatus = 'Healthy';
    const issues: string[] = [];
    const applicationStatuses: JsonObject[] = [];
    for (const check of input.apps) {
      const key = {
        name: check.name,
        namespace: check.namespace || client.instance.namespace,
      };
      this.index?.record(
        { shard: client.instance.shard, ...key },
        { project: context.project, name: context.stage },
      );
      let app;
      try {
        app = await client.get(key.namespace, key.name, context.signal);
      } catch (error) {
        status = worseOf(status, 'Unknown');
        issues.push(
          `error finding Argo CD Application "${key.name}" in namespace "${
            key.namespace
          }": ${(error as Error).message}`,
        );
        applicationStatuses.push({
          Namespace: key.namespace,
          Name: key.name,
          health: { status: 'Unknown' },
          sync: { status: 'Unknown' },
        });
        continue;
      }
      const assessment = assessApp(key, app, check.desiredRevisions ?? []);
      status = worseOf(status, assessment.status);
      issues.push(...assessment.issues);
      applicationStatuses.push(assessment.appStatus);
      if (assessment.refresh && app) {
        await client
          .requestHardRefresh(app, context.signal)
          .catch(error =>
            this.onRefreshError(
              `failed to request hard refresh for Argo CD Application "${key.name}" in namespace "${key.namespace}": ${error.message}`,
            ),
          );
      }
    }
    return {
      status,
      ...(issues.length ? { issues } : {}),
      output: { applicationStatuses },
    };
  }
}
