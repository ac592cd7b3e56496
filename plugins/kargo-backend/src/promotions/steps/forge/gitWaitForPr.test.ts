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

describe('git-wait-for-pr', () => {
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
    step('git-wait-for-pr').run(createStepContext(workDir, config as any));

  it.each([
    ['GitHub', GITHUB_REPO_URL, () => github],
    ['GitLab', GITLAB_REPO_URL, () => gitlab],
  ])(
    'keeps %s requests Running while open, then Succeeds with the merge commit',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({ source: 'kargo/promo', target: 'main' });

      const waiting = await run({ repoURL, prNumber: pull.number });
      expect(waiting.status).toBe('Running');
      expect(waiting.retryAfterMs).toBe(30_000);
      // No `commit` while open, even though GitHub reports a test merge sha.
      expect(waiting.output).toEqual({
        pr: {
          id: pull.number,
          url: expect.stringContaining(String(pull.number)),
          open: true,
          merged: false,
        },
      });

      repo().merge(pull);
      const merged = await run({ repoURL, prNumber: pull.number });
      expect(merged.status).toBe('Succeeded');
      expect(merged.output).toEqual({
        commit: repo().branches.get('main')!.sha,
        pr: {
          id: pull.number,
          url: expect.any(String),
          open: false,
          merged: true,
        },
      });
    },
  );

  it('polls at the configured interval', async () => {
    const pull = github.addPull({ source: 'kargo/promo', target: 'main' });
    const result = await run({
      repoURL: GITHUB_REPO_URL,
      prNumber: pull.number,
      pollInterval: '2m30s',
    });
    expect(result.retryAfterMs).toBe(150_000);
  });

  it.each([
    ['GitHub', GITHUB_REPO_URL, () => github],
    ['GitLab', GITLAB_REPO_URL, () => gitlab],
  ])(
    'Fails when the %s request was closed without merging',
    async (_, repoURL, repo) => {
      const pull = repo().addPull({ source: 'kargo/promo', target: 'main' });
      repo().close(pull);
      const result = await run({ repoURL, prNumber: pull.number });
      expect(result.status).toBe('Failed');
      expect(result.message).toMatch(/closed without being merged/);
      expect(result.output).toMatchObject({
        pr: { open: false, merged: false },
      });
      expect(result.output).not.toHaveProperty('commit');
    },
  );

  it('errors terminally for a request that does not exist', async () => {
    await expect(
      run({ repoURL: GITHUB_REPO_URL, prNumber: 99 }),
    ).rejects.toThrow(TerminalStepError);
    await expect(
      run({ repoURL: GITLAB_REPO_URL, prNumber: 99 }),
    ).rejects.toThrow(/HTTP 404/);
  });

  it('errors retryably when the forge fails or rate-limits', async () => {
    const pull = github.addPull({ source: 'kargo/promo', target: 'main' });
    forge.failNext({ status: 502, body: { message: 'Bad Gateway' } });
    const outage = await run({
      repoURL: GITHUB_REPO_URL,
      prNumber: pull.number,
    }).catch(e => e);
    expect(outage.message).toMatch(/HTTP 502/);
    expect(outage).not.toBeInstanceOf(TerminalStepError);

    forge.failNext({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0' },
      body: { message: 'API rate limit exceeded' },
    });
    const limited = await run({
      repoURL: GITHUB_REPO_URL,
      prNumber: pull.number,
    }).catch(e => e);
    expect(limited.message).toMatch(/rate limited/);
    expect(limited).not.toBeInstanceOf(TerminalStepError);

    forge.failNext({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    await expect(
      run({ repoURL: GITHUB_REPO_URL, prNumber: pull.number }),
    ).rejects.toThrow(TerminalStepError);
  });

  it('refuses a pollInterval that is not a duration', async () => {
    const pull = github.addPull({ source: 'kargo/promo', target: 'main' });
    await expect(
      run({
        repoURL: GITHUB_REPO_URL,
        prNumber: pull.number,
        pollInterval: 'every 5s',
      }),
    ).rejects.toThrow(/pollInterval: "every 5s" is not a positive duration/);
  });
});
