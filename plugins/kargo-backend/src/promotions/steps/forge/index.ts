import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { ForgeConnector, type ForgeStepsDeps } from './connectForge';
import { createGitMergePrStep } from './gitMergePr';
import { createGitOpenPrStep } from './gitOpenPr';
import { createGitWaitForPrStep } from './gitWaitForPr';

export type { ForgeStepsDeps } from './connectForge';

/**
 * Kargo's pull-request steps (`git-open-pr`, `git-wait-for-pr`,
 * `git-merge-pr`) for GitHub and GitLab, over their REST APIs, with hosts,
 * API URLs and tokens from Backstage's `integrations` config.
 */
export function createForgeSteps(deps: ForgeStepsDeps): PromotionStepRunner[] {
  const connector = new ForgeConnector(deps);
  return [
    createGitOpenPrStep(connector),
    createGitWaitForPrStep(connector),
    createGitMergePrStep(connector),
  ];
}
