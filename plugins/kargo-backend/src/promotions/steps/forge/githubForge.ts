import { ForgeHttpError } from './forgeHttp';
import type { ForgeApi } from './forgeApi';
import type { BranchHead, Forge, MergeOutcome, PullRequest } from './forge';

type GithubPull = {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  head?: { sha?: string };
  created_at?: string;
  labels?: { name: string }[];
  draft?: boolean;
  mergeable?: boolean | null;
  mergeable_state?: string;
};

const GITHUB_HEADERS = {
  Accept: 'application/vnd.github+json',
  'X-GitHub-Api-Version': '2022-11-28',
};

function toPullRequest(pull: GithubPull): PullRequest {
  const merged = Boolean(pull.merged_at);
  return {
    number: pull.number,
    url: pull.html_url,
    open: pull.state === 'open',
    merged,
    // GitHub fills merge_commit_sha with a test merge while a PR is open;
    // only a merged PR's value is the commit on the target branch.
    mergeCommit: merged ? pull.merge_commit_sha ?? undefined : undefined,
    headSha: pull.head?.sha,
    createdAt: pull.created_at,
    labels: (pull.labels ?? []).map(label => label.name),
  };
}

/**
 * Whether a 405 from the merge endpoint means "not yet" rather than "never":
 * GitHub answers 405 both for pending requirements and for merges the
 * repository forbids (e.g. a disabled merge method: "… not allowed …").
 */
function transientMergeRefusal(detail: string, policyBlocked: boolean) {
  if (/not allowed/i.test(detail)) return false;
  if (/Base branch was modified|not mergeable/i.test(detail)) return true;
  return policyBlocked;
}

/** GitHub (github.com and Enterprise Server) pull requests over REST v3. */
export class GithubForge implements Forge {
  readonly kind = 'github';
  readonly mergeMethods = ['merge', 'rebase', 'squash'];
  private readonly repoPath: string;

  constructor(
    private readonly api: ForgeApi,
    private readonly owner: string,
    repo: string,
  ) {
    this.repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(
      repo,
    )}`;
  }

  private get(path: string) {
    return this.api.call(
      'GET',
      `${this.repoPath}${path}`,
      undefined,
      GITHUB_HEADERS,
    );
  }

  async branch(name: string): Promise<BranchHead | undefined> {
    try {
      const { body } = await this.get(`/branches/${encodeURIComponent(name)}`);
      const commit = (
        body as {
          commit: {
            sha: string;
            commit: { message: string; tree?: { sha: string } };
          };
        }
      ).commit;
      return {
        sha: commit.sha,
        message: commit.commit.message,
        treeSha: commit.commit.tree?.sha,
      };
    } catch (error) {
      if (error instanceof ForgeHttpError && error.status === 404)
        return undefined;
      throw error;
    }
  }

  async hasChanges(
    source: { name: string; head: BranchHead },
    target: { name: string; head: BranchHead },
  ): Promise<boolean> {
    // Kargo diffs the two branch heads' trees; equal tree hashes are exactly
    // "no diff", without downloading anything. (GitHub's branch API always
    // includes the tree; without one, assume changes and let GitHub judge.)
    if (!source.head.treeSha || !target.head.treeSha) return true;
    return source.head.treeSha !== target.head.treeSha;
  }

  async findPullRequests(source: string, target: string) {
    const query = new URLSearchParams({
      state: 'all',
      head: `${this.owner}:${source}`,
      base: target,
      per_page: '100',
    });
    const pulls = await this.api.all<GithubPull>(
      `${this.repoPath}/pulls?${query}`,
      GITHUB_HEADERS,
    );
    return pulls.map(toPullRequest);
  }

  async createPullRequest(request: {
    source: string;
    target: string;
    title: string;
    description: string;
    labels: string[];
  }): Promise<PullRequest> {
    const { body } = await this.api.call(
      'POST',
      `${this.repoPath}/pulls`,
      {
        title: request.title,
        head: request.source,
        base: request.target,
        body: request.description,
        maintainer_can_modify: false,
      },
      GITHUB_HEADERS,
    );
    const pr = toPullRequest(body as GithubPull);
    if (request.labels.length > 0) {
      await this.addLabels(pr, request.labels);
      pr.labels = [...new Set([...pr.labels, ...request.labels])];
    }
    return pr;
  }

  async addLabels(pr: PullRequest, labels: string[]): Promise<void> {
    // Labels live on the PR's issue; adding ones it already has is a no-op.
    await this.api.call(
      'POST',
      `${this.repoPath}/issues/${pr.number}/labels`,
      { labels },
      GITHUB_HEADERS,
    );
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await this.getPull(number));
  }

  private async getPull(number: number): Promise<GithubPull> {
    return (await this.get(`/pulls/${number}`)).body as GithubPull;
  }

  async merge(
    number: number,
    mergeMethod: string | undefined,
  ): Promise<MergeOutcome> {
    const pull = await this.getPull(number);
    if (pull.merged_at) return { kind: 'merged', pr: toPullRequest(pull) };
    if (pull.state !== 'open') {
      return {
        kind: 'refused',
        reason: `pull request ${number} is closed but not merged`,
      };
    }
    let policyBlocked = false;
    const state = pull.mergeable_state ?? '';
    switch (state) {
      case 'clean':
      case 'unstable':
      case 'has_hooks':
        break;
      case 'dirty':
        return {
          kind: 'refused',
          reason: `pull request ${number} has conflicts and cannot be merged`,
        };
      case 'blocked':
      case 'behind':
        // Branch protection may still let these credentials merge: try.
        policyBlocked = true;
        break;
      case 'draft':
      case 'unknown':
        return {
          kind: 'notReady',
          reason: `pull request ${number} is ${
            state === 'draft'
              ? 'a draft'
              : 'still being checked for mergeability'
          }`,
        };
      default:
        if (pull.draft || !pull.mergeable) {
          return {
            kind: 'notReady',
            reason: `pull request ${number} is not mergeable yet`,
          };
        }
    }
    let mergeSha: string | undefined;
    try {
      const { body } = await this.api.call(
        'PUT',
        `${this.repoPath}/pulls/${number}/merge`,
        mergeMethod ? { merge_method: mergeMethod } : {},
        GITHUB_HEADERS,
      );
      const result = body as {
        merged?: boolean;
        sha?: string;
        message?: string;
      };
      if (!result.merged) {
        return {
          kind: 'refused',
          reason: `GitHub did not merge pull request ${number}: ${
            result.message ?? 'no reason given'
          }`,
        };
      }
      mergeSha = result.sha;
    } catch (error) {
      if (error instanceof ForgeHttpError && error.status === 405) {
        return transientMergeRefusal(error.detail, policyBlocked)
          ? {
              kind: 'notReady',
              reason: `pull request ${number} is not mergeable yet: ${error.detail}`,
            }
          : {
              kind: 'refused',
              reason: `GitHub refused to merge pull request ${number}: ${error.detail}`,
            };
      }
      if (error instanceof ForgeHttpError && error.status === 409) {
        // The head moved between our look and the merge: look again later.
        return {
          kind: 'notReady',
          reason: `pull request ${number} changed while merging: ${error.detail}`,
        };
      }
      throw error;
    }
    const merged = toPullRequest(await this.getPull(number));
    return {
      kind: 'merged',
      pr: { ...merged, mergeCommit: merged.mergeCommit ?? mergeSha },
    };
  }
}
