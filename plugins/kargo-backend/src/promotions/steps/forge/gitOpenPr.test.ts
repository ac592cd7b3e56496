import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import type { FakeForge } from './__testUtils__/fakeForge';
import type { FakeRepo } from './__testUtils__/fakeRepo';
import {
  GITHUB_REPO_URL,
  GITHUB_TOKEN,
  GITLAB_REPO_URL,
  startForge,
} from './__testUtils__/forgeTestSetup';

describe('git-open-pr', () => {
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

  const run = (config: Record<string, unknown>, overrides = {}) => {
    const ctx = createStepContext(workDir, config as any, overrides);
    return step('git-open-pr')
      .run(ctx)
      .then(result => ({ result, logs: ctx.logs }));
  };

  it('opens a GitHub pull request titled after the source head commit, with labels', async () => {
    const { result, logs } = await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
      labels: ['infra', 'needs-review'],
    });

    expect(result.status).toBe('Succeeded');
    expect(result.output).toEqual({
      pr: { id: 1, url: 'https://git.acme.test/acme/app/pull/1' },
    });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({
      source: 'kargo/promo',
      target: 'main',
      title: 'Promote guestbook v1.2.3',
      body: 'Updated image tag to v1.2.3.',
      labels: ['infra', 'needs-review'],
    });
    expect(
      forge.requests.every(r => r.authorization === `Bearer ${GITHUB_TOKEN}`),
    ).toBe(true);
    expect(logs.join('\n')).toContain('Opened pull request #1');
  });

  it('opens a GitLab merge request with the given title, description and labels', async () => {
    const { result } = await run({
      repoURL: GITLAB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
      title: 'Deploy to dev',
      description: 'Promotes freight f0a1b2c',
      labels: ['infra'],
    });

    expect(result.status).toBe('Succeeded');
    expect(result.output).toEqual({
      pr: {
        id: 1,
        url: 'https://lab.acme.test/acme/platform/app/-/merge_requests/1',
      },
    });
    expect(gitlab.pulls[0]).toMatchObject({
      title: 'Deploy to dev',
      body: 'Promotes freight f0a1b2c',
      labels: ['infra'],
    });
    expect(
      forge.requests.some(r =>
        r.path.includes('/projects/acme%2Fplatform%2Fapp/merge_requests'),
      ),
    ).toBe(true);
  });

  it('uses the whole commit message as description when only the title is given', async () => {
    await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
      title: 'Deploy',
    });
    expect(github.pulls[0].body).toBe(
      'Promote guestbook v1.2.3\n\nUpdated image tag to v1.2.3.',
    );
  });

  it.each([
    ['GitHub', GITHUB_REPO_URL, () => github],
    ['GitLab', GITLAB_REPO_URL, () => gitlab],
  ])(
    'reuses an open %s request for the same branches and adds missing labels',
    async (_, repoURL, repo) => {
      const existing = repo().addPull({
        source: 'kargo/promo',
        target: 'main',
        labels: ['infra'],
      });

      const { result, logs } = await run({
        repoURL,
        sourceBranch: 'kargo/promo',
        targetBranch: 'main',
        labels: ['infra', 'needs-review'],
      });

      expect(result.status).toBe('Succeeded');
      expect((result.output as any).pr.id).toBe(existing.number);
      expect(repo().pulls).toHaveLength(1);
      expect(existing.labels).toEqual(['infra', 'needs-review']);
      expect(logs.join('\n')).toContain('already exists');
    },
  );

  it('is idempotent when run again after it opened the request (retry or resume)', async () => {
    const config = {
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
    };
    const first = await run(config);
    const second = await run(config, { resumed: true });
    expect(second.result.output).toEqual(first.result.output);
    expect(github.pulls).toHaveLength(1);
  });

  it('adopts a request an earlier attempt opened that was merged meanwhile, only when resumed', async () => {
    const config = {
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
    };
    github.setBranch('main', 'tree-v0');
    const merged = github.addPull({ source: 'kargo/promo', target: 'main' });
    merged.state = 'closed';
    merged.merged = true;

    const resumed = await run(config, { resumed: true });
    expect(resumed.result.output).toEqual({
      pr: { id: merged.number, url: expect.any(String) },
    });
    expect(github.pulls).toHaveLength(1);

    const fresh = await run(config);
    expect((fresh.result.output as any).pr.id).toBe(2);
  });

  it('opens a new request when the earlier one was closed without merging', async () => {
    github.close(github.addPull({ source: 'kargo/promo', target: 'main' }));
    const { result } = await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
    });
    expect((result.output as any).pr.id).toBe(2);
    expect(github.pulls.map(p => p.state)).toEqual(['closed', 'open']);
  });

  it('adopts a request someone opened between its look and its create', async () => {
    github.addPull({ source: 'kargo/promo', target: 'main' });
    forge.failNext(
      { status: 200, body: [] },
      (method, path) => method === 'GET' && path.endsWith('/pulls'),
    );

    const { result } = await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
    });
    expect(result.status).toBe('Succeeded');
    expect((result.output as any).pr.id).toBe(1);
    expect(github.pulls).toHaveLength(1);
    expect(
      forge.requests.some(
        r => r.method === 'POST' && r.path.endsWith('/pulls'),
      ),
    ).toBe(true);
  });

  it.each([
    ['GitHub', GITHUB_REPO_URL, () => github],
    ['GitLab', GITLAB_REPO_URL, () => gitlab],
  ])(
    'is Skipped when the %s branches have no differences',
    async (_, repoURL, repo) => {
      repo().setBranch('kargo/promo', 'tree-v1', 'same content');
      const { result } = await run({
        repoURL,
        sourceBranch: 'kargo/promo',
        targetBranch: 'main',
      });
      expect(result.status).toBe('Skipped');
      expect(repo().pulls).toHaveLength(0);
    },
  );

  it('errors (retryably) when the target or source branch does not exist', async () => {
    const noTarget = await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'stage/prod',
    }).catch(error => error);
    expect(noTarget.message).toMatch(
      /target branch "stage\/prod" does not exist/,
    );
    expect(noTarget).not.toBeInstanceOf(TerminalStepError);
    const noSource = await run({
      repoURL: GITLAB_REPO_URL,
      sourceBranch: 'kargo/gone',
      targetBranch: 'main',
    }).catch(error => error);
    expect(noSource.message).toMatch(
      /source branch "kargo\/gone" does not exist/,
    );
    expect(noSource).not.toBeInstanceOf(TerminalStepError);
    expect(github.pulls).toHaveLength(0);
  });

  it("reports a creation GitHub rejects as terminal, with GitHub's reason", async () => {
    forge.failNext(
      {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              message: 'No commits between main and kargo/promo',
            },
          ],
        },
      },
      (method, path) => method === 'POST' && path.endsWith('/pulls'),
    );
    const error = await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
    }).catch(e => e);
    expect(error).toBeInstanceOf(TerminalStepError);
    expect(error.message).toContain(
      'git.acme.test answered HTTP 422: Validation Failed (No commits between main and kargo/promo)',
    );
    expect(github.pulls).toHaveLength(0);
  });

  it('finds an existing request on a later page of results', async () => {
    await forge.stop();
    ({ forge, github, step } = await startForge({ maxPerPage: 2 }));
    for (let i = 0; i < 4; i++) {
      github.close(github.addPull({ source: 'kargo/promo', target: 'main' }));
    }
    const open = github.addPull({ source: 'kargo/promo', target: 'main' });

    const { result } = await run({
      repoURL: GITHUB_REPO_URL,
      sourceBranch: 'kargo/promo',
      targetBranch: 'main',
    });
    expect((result.output as any).pr.id).toBe(open.number);
    expect(forge.requests.filter(r => r.path.includes('/pulls?')).length).toBe(
      3,
    );
  });
});
