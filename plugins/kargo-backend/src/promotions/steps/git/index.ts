import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { CreateGitStepsOptions, resolveGitStepDeps } from './deps';
import { createGitClearStep } from './gitClear';
import { createGitCloneStep } from './gitClone';
import { createGitCommitStep } from './gitCommit';
import { createGitPushStep } from './gitPush';
import { createGitTagStep } from './gitTag';

export type { CreateGitStepsOptions, PushIntegrationPolicy } from './deps';
export type { GitIdentity } from './gitSession';
export { buildCommitURL, inferGitProvider } from './commitURL';

/**
 * Kargo's git steps (git-clone, git-clear, git-commit, git-push, git-tag)
 * on the git CLI. Create them once per backend: git-push serializes pushes
 * to the same branch across the Promotions that share these runners.
 */
export function createGitSteps(
  deps: CreateGitStepsOptions,
): PromotionStepRunner[] {
  const resolved = resolveGitStepDeps(deps);
  return [
    createGitCloneStep(resolved),
    createGitClearStep(resolved),
    createGitCommitStep(resolved),
    createGitPushStep(resolved),
    createGitTagStep(resolved),
  ];
}
