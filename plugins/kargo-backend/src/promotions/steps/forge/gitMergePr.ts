import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import type { ForgeConnector, ForgeStepConfig } from './connectForge';
import type { MergeOutcome } from './forge';
import { toStepError } from './forgeErrors';
import { pollIntervalMs } from './pollInterval';
import {
  forgeConnectionProperties,
  pollIntervalProperty,
  prNumberProperty,
} from './schemaParts';

type MergePrConfig = ForgeStepConfig & {
  prNumber: number;
  mergeMethod?: string;
  wait?: boolean;
  pollInterval?: string;
};

/** Kargo's default for git-merge-pr. */
const DEFAULT_POLL_INTERVAL_MS = 10_000;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['repoURL', 'prNumber'],
  properties: {
    ...forgeConnectionProperties,
    prNumber: prNumberProperty,
    wait: { type: 'boolean' },
    pollInterval: pollIntervalProperty,
    mergeMethod: { type: 'string', minLength: 1 },
  },
};

/**
 * `git-merge-pr`: one synchronous merge attempt per run. A PR that is not
 * mergeable yet makes the step Running (with `wait`) or Failed; a PR that
 * was already merged (by a crashed earlier attempt, or by hand) succeeds.
 */
export function createGitMergePrStep(
  connector: ForgeConnector,
): PromotionStepRunner {
  return {
    name: 'git-merge-pr',
    configSchema,
    async run(ctx) {
      const config = ctx.config as unknown as MergePrConfig;
      const interval = pollIntervalMs(
        config.pollInterval,
        DEFAULT_POLL_INTERVAL_MS,
      );
      const { forge, target } = await connector.connect(config, ctx.signal);
      if (
        config.mergeMethod &&
        !forge.mergeMethods.includes(config.mergeMethod)
      ) {
        throw new TerminalStepError(
          `mergeMethod: "${config.mergeMethod}" is not one of ${
            forge.kind
          }'s: ${forge.mergeMethods.join(', ')}`,
        );
      }
      let outcome: MergeOutcome;
      try {
        outcome = await forge.merge(config.prNumber, config.mergeMethod);
      } catch (error) {
        throw toStepError(
          error,
          `merging pull request ${config.prNumber}`,
          target,
        );
      }
      switch (outcome.kind) {
        case 'merged':
          ctx.log(
            `Pull request #${outcome.pr.number} is merged as ${
              outcome.pr.mergeCommit ?? '(unknown commit)'
            }`,
          );
          return {
            status: 'Succeeded',
            message: `pull request #${outcome.pr.number} merged`,
            output: { commit: outcome.pr.mergeCommit ?? '' },
          };
        case 'notReady':
          ctx.log(outcome.reason);
          return config.wait
            ? {
                status: 'Running',
                message: outcome.reason,
                retryAfterMs: interval,
              }
            : {
                status: 'Failed',
                message: `${outcome.reason}, and wait is not set`,
              };
        default:
          ctx.log(outcome.reason);
          return { status: 'Failed', message: outcome.reason };
      }
    },
  };
}
