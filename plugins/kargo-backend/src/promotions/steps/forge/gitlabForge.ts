import { ForgeHttpError } from './forgeHttp';
import type { ForgeApi } from './forgeApi';
import type { BranchHead, Forge, MergeOutcome, PullRequest } from './forge';

type GitlabMergeRequest = {
  iid: number;
  web_url: string;
  state: string;
  sha?: string;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  created_at?: string;
  labels?: string[];
  draft?: boolean;
  detailed_merge_status?: string;
};

function toPullRequest(mr: GitlabMergeRequest): PullRequest {
  const merged = mr.state === 'merged';
  return {
    number: mr.iid,
    url: mr.web_url,
    // Kargo counts `locked` (a merge in progress) as still open.
    open: mr.state === 'opened' || mr.state === 'locked',
    merged,
    // Fast-forward and squash merges leave no merge commit; the target's
    // new head is then the squash commit or the MR's own head.
    mergeCommit: merged
      ? mr.merge_commit_sha ?? mr.squash_commit_sha ?? mr.sha ?? undefined
      : undefined,
    headSha: mr.sha,
    createdAt: mr.created_at,
    labels: mr.labels ?? [],
  };
}

/** GitLab (gitlab.com and self-managed) merge requests over REST v4. */
export class GitlabForge implements Forge {
  readonly kind = 'gitlab';
  readonly mergeMethods = ['merge', 'squash'];
  private readonly projectPath: string;

  constructor(private readonly api: ForgeApi, project: string) {
    this.projectPath = `/projects/${encodeURIComponent(project)}`;
  }

  async branch(name: string): Promise<BranchHead | undefined> {
    try {
      const { body } = await this.api.call(
        'GET',
        `${this.projectPath}/repository/branches/${encodeURIComponent(name)}`,
      );
      const { commit } = body as { commit: { id: string; message: string } };
      return { sha: commit.id, message: commit.message };
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
    if (source.head.sha === target.head.sha) return false;
    // `straight=true` diffs the two heads directly (git diff target source),
    // which is what Kargo checks before opening a PR.
    const query = new URLSearchParams({
      from: target.name,
      to: source.name,
      straight: 'true',
    });
    const { body } = await this.api.call(
      'GET',
      `${this.projectPath}/repository/compare?${query}`,
    );
    return ((body as { diffs?: unknown[] }).diffs ?? []).length > 0;
  }

  async findPullRequests(source: string, target: string) {
    const query = new URLSearchParams({
      source_branch: source,
      target_branch: target,
      state: 'all',
      per_page: '100',
    });
    const mrs = await this.api.all<GitlabMergeRequest>(
      `${this.projectPath}/merge_requests?${query}`,
    );
    return mrs.map(toPullRequest);
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
      `${this.projectPath}/merge_requests`,
      {
        source_branch: request.source,
        target_branch: request.target,
        title: request.title,
        description: request.description,
        ...(request.labels.length > 0
          ? { labels: request.labels.join(',') }
          : {}),
      },
    );
    return toPullRequest(body as GitlabMergeRequest);
  }

  async addLabels(pr: PullRequest, labels: string[]): Promise<void> {
    await this.api.call(
      'PUT',
      `${this.projectPath}/merge_requests/${pr.number}`,
      {
        add_labels: labels.join(','),
      },
    );
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await this.getMergeRequest(number));
  }

  private async getMergeRequest(number: number): Promise<GitlabMergeRequest> {
    const { body } = await this.api.call(
      'GET',
      `${this.projectPath}/merge_requests/${number}`,
    );
    return body as GitlabMergeRequest;
  }

  async merge(
    number: number,
    mergeMethod: string | undefined,
  ): Promise<MergeOutcome> {
    const mr = await this.getMergeRequest(number);
    if (mr.state === 'merged') return { kind: 'merged', pr: toPullRequest(mr) };
    if (mr.state === 'locked') {
      return {
        kind: 'notReady',
        reason: `merge request ${number} is being merged`,
      };
    }
    if (mr.state !== 'opened') {
      return {
        kind: 'refused',
        reason: `merge request ${number} is ${mr.state}, not merged`,
      };
    }
    if (mr.draft || mr.detailed_merge_status !== 'mergeable') {
      const status = mr.draft ? 'draft' : mr.detailed_merge_status ?? 'unknown';
      return {
        kind: 'notReady',
        reason: `merge request ${number} is not mergeable yet (${status})`,
      };
    }
    try {
      const { body } = await this.api.call(
        'PUT',
        `${this.projectPath}/merge_requests/${number}/merge`,
        // Without `squash` GitLab follows the MR's and project's settings.
        mergeMethod === 'squash' ? { squash: true } : {},
      );
      const pr = toPullRequest(body as GitlabMergeRequest);
      if (pr.merged) return { kind: 'merged', pr };
      // GitLab may still be finishing the merge (`locked`): look once more.
      const again = await this.getPullRequest(number);
      return again.merged
        ? { kind: 'merged', pr: again }
        : {
            kind: 'notReady',
            reason: `merge request ${number} is still being merged`,
          };
    } catch (error) {
      if (
        error instanceof ForgeHttpError &&
        [405, 409].includes(error.status)
      ) {
        // 405: requirements not met yet; 409: the head moved meanwhile.
        return {
          kind: 'notReady',
          reason: `merge request ${number} is not mergeable yet: ${error.detail}`,
        };
      }
      if (
        error instanceof ForgeHttpError &&
        [406, 422].includes(error.status)
      ) {
        return {
          kind: 'refused',
          reason: `GitLab refused to merge merge request ${number}: ${error.detail}`,
        };
      }
      throw error;
    }
  }
}
