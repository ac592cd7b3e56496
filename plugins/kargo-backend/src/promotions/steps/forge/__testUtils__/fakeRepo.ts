import { createHash } from 'node:crypto';

/** A branch head in the fake: commit, tree (contents) and message. */
export type FakeBranch = { sha: string; tree: string; message: string };

/**
 * How ready a fake PR is to merge, in the fake's own words; each forge
 * renders it its way (GitHub `mergeable_state`, GitLab
 * `detailed_merge_status`).
 */
export type Readiness = 'clean' | 'pending' | 'conflict' | 'checking' | 'draft';

export type FakePull = {
  number: number;
  source: string;
  target: string;
  headSha: string;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  mergeMethod?: string;
  readiness: Readiness;
  createdAt: string;
};

let counter = 0;

/** A fake 40-hex commit (or tree) id, unique per call. */
export function fakeSha(seed: string): string {
  counter += 1;
  return createHash('sha1').update(`${seed}:${counter}`).digest('hex');
}

/** One repository on the fake forge: branches and pull requests. */
export class FakeRepo {
  readonly branches = new Map<string, FakeBranch>();
  readonly pulls: FakePull[] = [];

  /** Creates or moves a branch; `tree` names its contents. */
  setBranch(
    name: string,
    tree: string,
    message = `update ${name}`,
  ): FakeBranch {
    const branch = { sha: fakeSha(`${name}:${tree}`), tree, message };
    this.branches.set(name, branch);
    return branch;
  }

  /** A PR as if a person (or an earlier attempt) had opened it. */
  addPull(
    fields: Partial<FakePull> & { source: string; target: string },
  ): FakePull {
    const pull: FakePull = {
      number: this.pulls.length + 1,
      headSha: this.branches.get(fields.source)?.sha ?? fakeSha(fields.source),
      title: 'existing',
      body: '',
      labels: [],
      state: 'open',
      merged: false,
      readiness: 'clean',
      createdAt: new Date(
        Date.UTC(2026, 0, 1, 0, this.pulls.length),
      ).toISOString(),
      ...fields,
    };
    this.pulls.push(pull);
    return pull;
  }

  pull(number: number): FakePull | undefined {
    return this.pulls.find(p => p.number === number);
  }

  /** Merges as the forge would: the target moves to a new merge commit. */
  merge(pull: FakePull, method = 'merge'): void {
    const source = this.branches.get(pull.source);
    const commit = this.setBranch(
      pull.target,
      source?.tree ?? 'merged',
      `Merge #${pull.number}`,
    );
    pull.state = 'closed';
    pull.merged = true;
    pull.mergeCommitSha = commit.sha;
    pull.mergeMethod = method;
  }

  close(pull: FakePull): void {
    pull.state = 'closed';
  }
}
