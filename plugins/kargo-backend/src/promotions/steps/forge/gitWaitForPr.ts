import type { JsonObject } from '@backstage/types';
import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import type { ForgeConnector, ForgeStepConfig } from './connectForge';
import type { PullRequest } from './forge';
import { toStepError } from './forgeErrors';
import { pollIntervalMs } from './pollInterval';
import {
  forgeConnectionProperties,
  pollIntervalProperty,
  prNumberProperty,
} from './schemaParts';

type WaitForPrConfig = ForgeStepConfig & {
  prNumber: number;
  pollInterval?: string;
};

/** Kargo's default for git-wait-for-pr. */
const DEFAULT_POLL_INTERVAL_MS = 30_000;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['repoURL', 'prNumber'],
  properties: {
    ...forgeConnectionProperties,
    prNumber: prNumberProperty,
    pollInterval: pollIntervalProperty,
  },
};

/** Kargo's output: the PR's state always, `commit` once merged. */
function outputOf(pr: PullRequest): JsonObject {
  return {
    pr: { id: pr.number, url: pr.url, open: pr.open, merged: pr.merged },
    ...(pr.mergeCommit ? { commit: pr.mergeCommit } : {}),
  };
}

/**
 * `git-wait-for-pr`: Running while the PR is open, Succeeded once merged
 * (`commit` = the merge commit), Failed if it was closed unmerged.
 */
export function createGitWaitForPrStep(
  connector: ForgeConnector,
): PromotionStepRunner {
  return {
    name: 'git-wait-for-pr',
    configSchema,
    async run(ctx) {
      const config = ctx.config as unknown as WaitForPrConfig;
      const interval = pollIntervalMs(
        config.pollInterval,
        DEFAULT_POLL_INTERVAL_MS,
      );
      const { forge, target } = await connector.connect(config, ctx.signal);
      let pr: PullRequest;
      try {
        pr = await forge.getPullRequest(config.prNumber);
      } catch (error) {
        throw toStepError(
          error,
          `reading pull request ${config.prNumber}`,
          target,
        );
      }
      const output = outputOf(pr);
      if (pr.open) {
        return {
          status: 'Running',
          message: `pull request #${pr.number} is still open`,
          output,
          retryAfterMs: interval,
        };
      }
      if (!pr.merged) {
        ctx.log(
          `Pull request #${pr.number} was closed without being merged: ${pr.url}`,
        );
        return {
          status: 'Failed',
          message: `pull request ${pr.number} was closed without being merged`,
          output,
        };
      }
      ctx.log(
        `Pull request #${pr.number} was merged as ${
          pr.mergeCommit ?? '(unknown commit)'
        }`,
      );
      return {
        status: 'Succeeded',
        message: `pull request #${pr.number} merged`,
        output,
      };
    },
  };
}
