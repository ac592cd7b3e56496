import { existsSync } from 'node:fs';
import { displayURL } from '../../../warehouses/discovery/git/gitErrors';
import { PushIntegrationPolicy } from './deps';
import { GitIdentity, GitSession } from './gitSession';
import { WorkTree } from './workTree';

/** Commits on the remote branch conflict with local ones in these files. */
export class IntegrationConflict extends Error {
  constructor(
    readonly branch: string,
    readonly files: string[],
    repoURL: string,
  ) {
    super(
      `cannot push to branch "${branch}" of ${displayURL(
        repoURL,
      )}: commits on the remote branch conflict with the local commits in ${
        files.length ? files.join(', ') : 'some files'
      }; resolve the conflict in the repository and promote again (retrying cannot fix this)`,
    );
    this.name = 'IntegrationConflict';
  }
}

const remoteRef = (branch: string) => `refs/remotes/origin/${branch}`;

/**
 * Fetches `branch` from origin into refs/remotes/origin/<branch>. False when
 * the remote has no such branch.
 */
export async function fetchRemoteBranch(
  session: GitSession,
  wt: WorkTree,
  repoURL: string,
  branch: string,
): Promise<boolean> {
  const call = {
    cwd: wt.dir,
    operation: `fetching branch ${branch}`,
    remoteURL: repoURL,
  };
  const result = await session.exec(
    [
      'fetch',
      '--quiet',
      '--no-tags',
      'origin',
      `+refs/heads/${branch}:${remoteRef(branch)}`,
    ],
    call,
  );
  if (result.code === 0) return true;
  if (/couldn't find remote ref/i.test(result.stderr)) return false;
  throw session.failure(result, call);
}

/** True when `commit` is `ref` or one of its ancestors. */
export async function isAncestor(
  session: GitSession,
  wt: WorkTree,
  commit: string,
  ref: string,
): Promise<boolean> {
  const call = { cwd: wt.dir, operation: 'comparing commits' };
  const result = await session.exec(
    ['merge-base', '--is-ancestor', commit, ref],
    call,
  );
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw session.failure(result, call);
}

/** Paths git reports as unmerged in the working tree. */
async function unmergedFiles(
  session: GitSession,
  wt: WorkTree,
): Promise<string[]> {
  const out = await session.run(['diff', '--name-only', '--diff-filter=U'], {
    cwd: wt.dir,
    operation: 'listing conflicting files',
  });
  return out ? out.split('\n') : [];
}

/** Whether a rebase or merge stopped half-way. */
async function inProgress(session: GitSession, wt: WorkTree, what: string) {
  const result = await session.exec(
    ['rev-parse', '--quiet', '--verify', what],
    {
      cwd: wt.dir,
      operation: 'checking for a stopped merge',
    },
  );
  return result.code === 0;
}

/**
 * Undoes a rebase or merge that an earlier attempt left stopped half-way
 * (it was killed: the backend stopped, or the Promotion lost its lease), so
 * that the working tree is back on its own commits. True when it did.
 * The state's locations come from openWorkTree: no git process is started
 * unless there is something to undo.
 */
export async function abandonStoppedIntegration(
  session: GitSession,
  wt: WorkTree,
): Promise<boolean> {
  const call = { cwd: wt.dir, operation: 'undoing a stopped rebase' };
  const { rebaseMerge, rebaseApply, mergeHead } = wt.stopped;
  if (existsSync(rebaseMerge) || existsSync(rebaseApply)) {
    await session.run(['rebase', '--abort'], call);
    return true;
  }
  if (existsSync(mergeHead)) {
    await session.run(['merge', '--abort'], call);
    return true;
  }
  return false;
}

/**
 * Integrates the remote branch's new commits into the local branch before a
 * push, per the policy: rebase (Kargo's `git pull --rebase`) or merge. A
 * conflict is undone (the working tree is left as it was) and reported as
 * an IntegrationConflict naming the files. No-op when the remote branch
 * does not exist yet.
 */
export async function integrateRemoteChanges(
  session: GitSession,
  wt: WorkTree,
  options: {
    repoURL: string;
    branch: string;
    policy: PushIntegrationPolicy;
    identity: GitIdentity;
  },
): Promise<void> {
  const { branch, repoURL } = options;
  if (!(await fetchRemoteBranch(session, wt, repoURL, branch))) return;
  const call = {
    cwd: wt.dir,
    operation: `integrating remote changes of branch ${branch}`,
    identity: options.identity,
  };
  if (options.policy === 'AlwaysMerge') {
    const merged = await session.exec(
      [
        'merge',
        '--no-edit',
        '-m',
        `Merge branch '${branch}' of ${displayURL(repoURL)}`,
        remoteRef(branch),
      ],
      call,
    );
    if (merged.code === 0) return;
    if (await inProgress(session, wt, 'MERGE_HEAD')) {
      const files = await unmergedFiles(session, wt);
      await session.exec(['merge', '--abort'], call);
      throw new IntegrationConflict(branch, files, repoURL);
    }
    throw session.failure(merged, call);
  }
  const rebased = await session.exec(
    ['rebase', '--quiet', remoteRef(branch)],
    call,
  );
  if (rebased.code === 0) return;
  if (await inProgress(session, wt, 'REBASE_HEAD')) {
    const files = await unmergedFiles(session, wt);
    await session.exec(['rebase', '--abort'], call);
    throw new IntegrationConflict(branch, files, repoURL);
  }
  throw session.failure(rebased, call);
}
