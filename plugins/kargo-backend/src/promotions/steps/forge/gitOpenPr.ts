import type {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import type { ForgeConnector, ForgeStepConfig } from './connectForge';
import type { BranchHead, Forge, PullRequest } from './forge';
import { toStepError } from './forgeErrors';
import { ForgeHttpError } from './forgeHttp';
import { forgeConnectionProperties } from './schemaParts';

type OpenPrConfig = ForgeStepConfig & {
  sourceBranch: string;
  targetBranch: string;
  title?: string;
  description?: string;
  labels?: string[];
  createTargetBranch?: boolean;
};

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['repoURL', 'targetBranch', 'sourceBranch'],
  properties: {
    ...forgeConnectionProperties,
    createTargetBranch: {
      type: 'boolean',
      description: 'Deprecated in Kargo; a no-op.',
    },
    sourceBranch: { type: 'string', minLength: 1 },
    targetBranch: { type: 'string', minLength: 1 },
    title: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 1 },
    labels: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
};

/** Open first, then merged, then the rest; newest first within each. */
function rank(prs: PullRequest[]): PullRequest[] {
  const group = (pr: PullRequest) => {
    if (pr.open) return 0;
    return pr.merged ? 1 : 2;
  };
  return [...prs].sort(
    (a, b) =>
      group(a) - group(b) ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );
}

/**
 * Kargo's default title and description: the source head's commit subject
 * and body, unless the config gives them.
 */
function titleAndDescription(
  config: OpenPrConfig,
  head: BranchHead,
  fallback: string,
) {
  const [subject, ...body] = head.message.split('\n');
  return {
    title: config.title ?? (subject.trim() || fallback),
    description:
      config.description ??
      (config.title ? head.message : body.join('\n').trim()),
  };
}

function succeeded(pr: PullRequest, message: string): PromotionStepResult {
  return {
    status: 'Succeeded',
    message,
    output: { pr: { id: pr.number, url: pr.url } },
  };
}

async function adopt(
  forge: Forge,
  pr: PullRequest,
  labels: string[],
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const missing = labels.filter(label => !pr.labels.includes(label));
  if (pr.open && missing.length > 0) await forge.addLabels(pr, missing);
  ctx.log(
    `Pull request #${pr.number} already exists (${
      pr.open ? 'open' : 'merged'
    }): ${pr.url}`,
  );
  return succeeded(pr, `pull request #${pr.number} already exists`);
}

async function openPullRequest(
  forge: Forge,
  config: OpenPrConfig,
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const { sourceBranch, targetBranch } = config;
  const labels = config.labels ?? [];
  const source = await forge.branch(sourceBranch);
  if (!source)
    throw new Error(`source branch "${sourceBranch}" does not exist`);

  // An open request for this very source head is the one we would open
  // (a retry, a resumed attempt, or someone else's). A merged one counts
  // only when an earlier attempt of ours may have opened it.
  const mayBeOurs = ctx.resumed || ctx.attempt > 1;
  const [existing] = rank(
    (await forge.findPullRequests(sourceBranch, targetBranch)).filter(
      pr => !pr.headSha || pr.headSha === source.sha,
    ),
  );
  if (existing && (existing.open || (existing.merged && mayBeOurs))) {
    return adopt(forge, existing, labels, ctx);
  }

  const target = await forge.branch(targetBranch);
  if (!target)
    throw new Error(`target branch "${targetBranch}" does not exist`);
  const changed = await forge.hasChanges(
    { name: sourceBranch, head: source },
    { name: targetBranch, head: target },
  );
  if (!changed) {
    ctx.log(
      `No differences between ${sourceBranch} and ${targetBranch}; no pull request opened`,
    );
    return {
      status: 'Skipped',
      message: `no differences between ${sourceBranch} and ${targetBranch}`,
    };
  }

  const { title, description } = titleAndDescription(
    config,
    source,
    `Promote to ${ctx.stage}`,
  );
  try {
    const pr = await forge.createPullRequest({
      source: sourceBranch,
      target: targetBranch,
      title,
      description,
      labels,
    });
    ctx.log(`Opened pull request #${pr.number}: ${pr.url}`);
    return succeeded(pr, `opened pull request #${pr.number}`);
  } catch (error) {
    // Someone opened the same request between our look and our create.
    if (error instanceof ForgeHttpError && [409, 422].includes(error.status)) {
      const [raced] = rank(
        await forge.findPullRequests(sourceBranch, targetBranch),
      );
      if (raced?.open) return adopt(forge, raced, labels, ctx);
    }
    throw error;
  }
}

/** `git-open-pr`: opens (or adopts) a pull/merge request. */
export function createGitOpenPrStep(
  connector: ForgeConnector,
): PromotionStepRunner {
  return {
    name: 'git-open-pr',
    configSchema,
    async run(ctx) {
      const config = ctx.config as unknown as OpenPrConfig;
      const { forge, target } = await connector.connect(config, ctx.signal);
      try {
        return await openPullRequest(forge, config, ctx);
      } catch (error) {
        throw toStepError(
          error,
          `opening a pull request from ${config.sourceBranch} into ${config.targetBranch}`,
          target,
        );
      }
    },
  };
}
