import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { createForgeSteps, type ForgeStepsDeps } from '..';
import {
  FAKE_GITHUB_HOST,
  FAKE_GITLAB_HOST,
  FakeForge,
  type FakeForgeOptions,
} from './fakeForge';

export const GITHUB_TOKEN = 'ghp_fakeGithubToken0123456789';
export const GITLAB_TOKEN = 'glpat-fakeGitlabToken0123456789';
export const GITHUB_REPO_URL = `https://${FAKE_GITHUB_HOST}/acme/app.git`;
export const GITLAB_REPO_URL = `https://${FAKE_GITLAB_HOST}/acme/platform/app.git`;

/** Backstage `integrations` config pointing both forges at the fake. */
export function integrationsConfig(
  forge: FakeForge,
  overrides: { githubToken?: string; gitlabToken?: string } = {},
): JsonObject {
  return {
    github: [
      {
        host: FAKE_GITHUB_HOST,
        apiBaseUrl: forge.githubApiBaseUrl,
        token: overrides.githubToken ?? GITHUB_TOKEN,
      },
    ],
    gitlab: [
      {
        host: FAKE_GITLAB_HOST,
        apiBaseUrl: forge.gitlabApiBaseUrl,
        token: overrides.gitlabToken ?? GITLAB_TOKEN,
      },
    ],
  };
}

/** The three steps, wired to `integrations` config (and optional extra deps). */
export function forgeSteps(
  integrations: JsonObject,
  extra: Partial<ForgeStepsDeps> = {},
) {
  const deps = {
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({ integrations }),
    ),
    ...extra,
  };
  const steps = createForgeSteps(deps);
  return (name: string): PromotionStepRunner =>
    steps.find(step => step.name === name)!;
}

/**
 * A started fake forge that accepts the test tokens, the steps configured
 * against it, and both repositories with `main` and a changed `kargo/promo`.
 */
export async function startForge(options: FakeForgeOptions = {}) {
  const forge = await FakeForge.start(options);
  forge.tokens.add(GITHUB_TOKEN);
  forge.tokens.add(GITLAB_TOKEN);
  const github = forge.githubRepo('acme/app');
  const gitlab = forge.gitlabProject('acme/platform/app');
  for (const repo of [github, gitlab]) {
    repo.setBranch('main', 'tree-v1', 'initial');
    repo.setBranch(
      'kargo/promo',
      'tree-v2',
      'Promote guestbook v1.2.3\n\nUpdated image tag to v1.2.3.',
    );
  }
  return { forge, github, gitlab, step: forgeSteps(integrationsConfig(forge)) };
}
