/** A pull (GitHub) or merge (GitLab) request, as the steps see it. */
export type PullRequest = {
  /** GitHub's PR number; GitLab's project-scoped `iid`. */
  number: number;
  url: string;
  open: boolean;
  merged: boolean;
  /** The commit the merge left at the head of the target branch. */
  mergeCommit?: string;
  /** The source branch head the request was opened (or last pushed) at. */
  headSha?: string;
  /** ISO time, for choosing among several matching requests. */
  createdAt?: string;
  labels: string[];
};

/** The head commit of a branch. */
export type BranchHead = {
  sha: string;
  message: string;
  /** GitHub gives the commit's tree; equal trees mean no changes. */
  treeSha?: string;
};

export type MergeOutcome =
  | { kind: 'merged'; pr: PullRequest }
  /** Not mergeable yet (checks pending, approvals missing, …): try later. */
  | { kind: 'notReady'; reason: string }
  /** Will never merge as asked (closed unmerged, conflicts, refused). */
  | { kind: 'refused'; reason: string };

/**
 * The REST calls the pull-request steps make, one implementation per forge.
 * Methods throw ForgeHttpError for unexpected answers.
 */
export interface Forge {
  readonly kind: 'github' | 'gitlab';
  /** `mergeMethod` values this forge accepts (Kargo's per-provider list). */
  readonly mergeMethods: readonly string[];
  /** Undefined when the branch does not exist. */
  branch(name: string): Promise<BranchHead | undefined>;
  /** True when merging `source` into `target` would change files. */
  hasChanges(
    source: { name: string; head: BranchHead },
    target: { name: string; head: BranchHead },
  ): Promise<boolean>;
  /** Requests from `source` into `target`, in any state. */
  findPullRequests(source: string, target: string): Promise<PullRequest[]>;
  createPullRequest(request: {
    source: string;
    target: string;
    title: string;
    description: string;
    labels: string[];
  }): Promise<PullRequest>;
  addLabels(pr: PullRequest, labels: string[]): Promise<void>;
  getPullRequest(number: number): Promise<PullRequest>;
  merge(number: number, mergeMethod: string | undefined): Promise<MergeOutcome>;
}
