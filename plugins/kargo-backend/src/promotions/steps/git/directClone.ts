import { PromotionStepContext } from '@kargo-backstage/plugin-kargo-node';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { displayURL } from '../../../warehouses/discovery/git/gitErrors';
import { GitSession } from './gitSession';
import { branchOf, readHeadFromDisk } from './headFromDisk';
import { headCommit } from './workTree';
import { GitCheckoutConfig } from './schemas';

/**
 * Whether a checkout can be the clone's own working tree: a git-clone step
 * with one checkout of a branch (or of the default branch), the usual
 * GitOps case. Anything else (several checkouts, commits, tags, sparse
 * cones) takes the bare clone with a working tree per checkout.
 */
export function clonesDirectly(checkouts: GitCheckoutConfig[]): boolean {
  if (checkouts.length !== 1) return false;
  const [c] = checkouts;
  return !c.commit && !c.tag && !(c.sparse ?? []).length;
}

/**
 * Clones straight into the checkout: one git process (`clone --branch`, the
 * repository in the checkout's `.git` as any clone has it; a separate git
 * directory would cost the clone another 2.6 ms), in place of a bare clone,
 * a branch lookup and `worktree add`. Returns the
 * checked-out commit, or undefined, having removed what it made, when the
 * branch is not a branch of the remote (missing: git-clone's usual path
 * then creates it or explains; or a tag of that name, which `clone
 * --branch` would check out) or the repository is empty.
 */
export async function cloneDirectly(
  ctx: PromotionStepContext,
  session: GitSession,
  options: {
    /** `clone` and its options, up to the URL and the directory. */
    cloneArgs: string[];
    repoURL: string;
    dir: string;
    checkout: GitCheckoutConfig;
    recurseSubmodules: boolean;
  },
): Promise<string | undefined> {
  const { dir, checkout, repoURL } = options;
  const branch = checkout.branch;
  const remote = {
    cwd: ctx.workDir,
    operation: `cloning into ${checkout.path}`,
    remoteURL: repoURL,
  };
  const cloned = await session.exec(
    [
      ...options.cloneArgs,
      ...(branch ? ['--branch', branch] : []),
      '--',
      repoURL,
      dir,
    ],
    remote,
  );
  const undo = async () => {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  };
  if (cloned.code !== 0) {
    if (
      branch &&
      /remote branch .* not found in upstream/i.test(cloned.stderr)
    ) {
      return undo();
    }
    throw session.failure(cloned, remote);
  }
  const head = await readHeadFromDisk(join(dir, '.git'));
  if (branch && head.ref !== `refs/heads/${branch}`) return undo();
  // An empty repository has no commit to check out.
  const commit =
    head.commit ??
    (await headCommit(session, {
      dir,
      gitDir: join(dir, '.git'),
      path: checkout.path,
    }).catch(() => undefined));
  if (!commit) return undo();
  if (options.recurseSubmodules) {
    await session.run(
      ['submodule', 'update', '--init', '--recursive', '--quiet'],
      { ...remote, cwd: dir, operation: `checking out ${checkout.path}` },
    );
  }
  const what = branch
    ? `branch ${branch}`
    : `default branch ${branchOf(head.ref) || 'HEAD'}`;
  ctx.log(
    `Cloned ${displayURL(repoURL)} and checked out ${what} to ${
      checkout.path
    } at ${commit}`,
  );
  return commit;
}
