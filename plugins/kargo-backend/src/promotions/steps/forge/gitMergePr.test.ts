import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import type { FakeForge } from './__testUtils__/fakeForge';
import type { FakeRepo } from './__testUtils__/fakeRepo';
import {
  GITHUB_REPO_URL,
  GITLAB_REPO_URL,
  startForge,
} from './__testUtils__/forgeTestSetup';

describe('git-merge-pr', () => {
  let forge: FakeForge;
  let github: FakeRepo;
  let gitlab: FakeRepo;
  let step: Awaited<ReturnType<typeof startForge>>['step'];
  let workDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ forge, github, gitlab, step } = await startForge());
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(async () => {
    await forge.stop();
    await cleanup();
  });

  const run = (config: Record<string, unknown>) =>
    step('git-merge-pr').run(createStepContext(workDir, config as any));

  const repos = [
    ['GitHub', GITHUB_REPO_URL, () => github],
    ['GitLab', GITLAB_REPO_URL, () => gitlab],
  ] as const;

  it.each(repos)(
    'merges a mergeable %s request and outputs the merge commit',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({ source: 'kargo/promo', target: 'main' });
      const before = repo().branches.get('main')!.sha;

      const result = await run({
        repoURL,
        prNumber: pull.number,
        mergeMethod: 'squash',
      });

      expect(result.status).toBe('Succeeded');
      const after = repo().branches.get('main')!.sha;
      expect(after).not.toBe(before);
      expect(result.output).toEqual({ commit: after });
      expect(pull).toMatchObject({ merged: true, mergeMethod: 'squash' });
    },
  );

  it.each(repos)(
    'waits (Running) while a %s request is not mergeable yet, then merges',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({
        source: 'kargo/promo',
        target: 'main',
        readiness: 'pending',
      });

      const waiting = await run({ repoURL, prNumber: pull.number, wait: true });
      expect(waiting.status).toBe('Running');
      expect(waiting.retryAfterMs).toBe(10_000);
      expect(pull.merged).toBe(false);

      pull.readiness = 'checking';
      const stillWaiting = await run({
        repoURL,
        prNumber: pull.number,
        wait: true,
        pollInterval: '15s',
      });
      expect(stillWaiting).toMatchObject({
        status: 'Running',
        retryAfterMs: 15_000,
      });

      pull.readiness = 'clean';
      const done = await run({ repoURL, prNumber: pull.number, wait: true });
      expect(done.status).toBe('Succeeded');
      expect(done.output).toEqual({ commit: repo().branches.get('main')!.sha });
    },
  );

  it.each(repos)(
    'Fails for a %s request that is not mergeable when wait is not set',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({
        source: 'kargo/promo',
        target: 'main',
        readiness: 'pending',
      });
      const result = await run({ repoURL, prNumber: pull.number });
      expect(result.status).toBe('Failed');
      expect(result.message).toMatch(/not mergeable yet.*wait is not set/);
      expect(pull.merged).toBe(false);
    },
  );

  it('Fails for a GitHub request with conflicts, even with wait', async () => {
    const pull = github.addPull({
      source: 'kargo/promo',
      target: 'main',
      readiness: 'conflict',
    });
    const result = await run({
      repoURL: GITHUB_REPO_URL,
      prNumber: pull.number,
      wait: true,
    });
    expect(result).toMatchObject({
      status: 'Failed',
      message: expect.stringMatching(/conflicts/),
    });
  });

  it.each(repos)(
    'Fails for a %s request closed without merging',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({ source: 'kargo/promo', target: 'main' });
      repo().close(pull);
      const result = await run({ repoURL, prNumber: pull.number, wait: true });
      expect(result.status).toBe('Failed');
      expect(result.message).toMatch(/closed|not merged/);
    },
  );

  it.each(repos)(
    'Succeeds without merging again when the %s request is already merged (resume)',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({ source: 'kargo/promo', target: 'main' });
      repo().merge(pull);
      const requestsBefore = forge.requests.length;

      const result = await run({ repoURL, prNumber: pull.number });

      expect(result).toMatchObject({
        status: 'Succeeded',
        output: { commit: pull.mergeCommitSha },
      });
      const calls = forge.requests.slice(requestsBefore);
      expect(calls.some(r => r.method === 'PUT')).toBe(false);
    },
  );

  it('refuses a merge method the provider does not have', async () => {
    const pull = gitlab.addPull({ source: 'kargo/promo', target: 'main' });
    await expect(
      run({
        repoURL: GITLAB_REPO_URL,
        prNumber: pull.number,
        mergeMethod: 'rebase',
      }),
    ).rejects.toThrow(
      new TerminalStepError(
        `mergeMethod: "rebase" is not one of gitlab's: merge, squash`,
      ),
    );
    expect(pull.merged).toBe(false);
  });
});
