import {
  PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { isAbsolute } from 'node:path';
import { displayURL } from '../../../warehouses/discovery/git/gitErrors';
import { GitIdentity, GitSession } from './gitSession';
import { GitCheckoutConfig } from './schemas';
import { checkBranchName } from './workTree';

/** Kargo's rules for sparse (cone mode) directories. */
export function validateSparse(index: number, sparse: string[] | undefined) {
  for (const p of sparse ?? []) {
    const field = `checkout[${index}].sparse`;
    if (isAbsolute(p)) {
      throw new TerminalStepError(`${field}: "${p}" must be relative`);
    }
    if (p.startsWith('..')) {
      throw new TerminalStepError(
        `${field}: "${p}" cannot leave the repository`,
      );
    }
    if (/[*?[]/.test(p)) {
      throw new TerminalStepError(
        `${field}: "${p}" cannot contain glob characters (*, ?, [); use directory paths like "src/app"`,
      );
    }
  }
}

/**
 * Makes sure `branch` exists in the clone (a bare clone has every remote
 * branch as a local one). A missing branch is an error unless `create`: then
 * an orphan branch with one empty "Initial commit" is made and pushed, as
 * Kargo does. Returns the branch to check out, and its commit when known.
 */
export async function ensureBranch(
  ctx: PromotionStepContext,
  session: GitSession,
  options: {
    bareDir: string;
    repoURL: string;
    branch: string;
    create: boolean;
    identity: GitIdentity;
    field: string;
  },
): Promise<{ name: string; commit?: string }> {
  const { bareDir, branch, repoURL } = options;
  // `check-ref-format --branch` refuses these even where the ref exists.
  if (branch === 'HEAD' || branch.startsWith('-')) {
    throw new TerminalStepError(
      `${options.field}: "${branch}" is not a valid branch name`,
    );
  }
  const ref = `refs/heads/${branch}`;
  // An existing branch has a valid name (git made the ref): one process
  // answers both and gives its commit. show-ref takes the name verbatim
  // (no revision syntax such as main~1).
  const found = await session.exec(['show-ref', '--verify', ref], {
    cwd: bareDir,
    operation: `looking up branch ${branch}`,
  });
  const [tip, name] = found.stdout.trim().split(' ');
  if (found.code === 0 && name === ref && /^[0-9a-f]{40,64}$/.test(tip)) {
    return { name: branch, commit: tip };
  }
  await checkBranchName(session, bareDir, options.field, branch);
  const url = displayURL(repoURL);
  if (!options.create) {
    throw new Error(
      `remote branch "${branch}" of repo ${url} does not exist; set create=true if you'd like a non-existent remote branch to be automatically created at checkout`,
    );
  }
  const local = { cwd: bareDir, operation: `creating branch ${branch}` };
  const emptyTree = await session.run(
    ['hash-object', '-t', 'tree', '/dev/null'],
    local,
  );
  const commit = await session.run(
    ['commit-tree', emptyTree, '-m', 'Initial commit'],
    { ...local, identity: options.identity },
  );
  await session.run(['update-ref', ref, commit, ''], local);
  const push = await session.exec(
    ['push', '--quiet', 'origin', `${ref}:${ref}`],
    {
      cwd: bareDir,
      operation: `pushing new branch ${branch}`,
      remoteURL: repoURL,
    },
  );
  if (push.code === 0) {
    ctx.log(
      `Created branch "${branch}" (orphan, empty initial commit) in ${url}`,
    );
    return { name: branch, commit };
  }
  // Another Promotion may have created it meanwhile: use theirs.
  const fetched = await session.exec(
    ['fetch', '--quiet', 'origin', `+${ref}:${ref}`],
    {
      cwd: bareDir,
      operation: `fetching branch ${branch}`,
      remoteURL: repoURL,
    },
  );
  if (fetched.code === 0) {
    ctx.log(`Branch "${branch}" appeared in ${url} meanwhile; using it`);
    return { name: branch };
  }
  throw session.failure(push, {
    cwd: bareDir,
    operation: `pushing new branch ${branch}`,
    remoteURL: repoURL,
  });
}

/**
 * Adds a working tree of the clone at `dir` and returns its HEAD commit.
 * Sparse checkouts are set up before any file is written, so a blobless
 * clone fetches only the contents the cone needs.
 */
export async function addCheckout(
  ctx: PromotionStepContext,
  session: GitSession,
  options: {
    bareDir: string;
    dir: string;
    checkout: GitCheckoutConfig;
    /** The branch to check out (already ensured), if any. */
    ref?: string;
    /** The branch's commit, when known: HEAD of the new working tree. */
    head?: string;
    recurseSubmodules: boolean;
    repoURL: string;
  },
): Promise<string> {
  const { bareDir, dir, checkout } = options;
  let ref = options.ref;
  let what = `branch ${ref}`;
  let head = options.head;
  if (checkout.commit) {
    ref = checkout.commit;
    what = `commit ${ref}`;
    head = undefined;
  } else if (checkout.tag) {
    ref = `refs/tags/${checkout.tag}`;
    what = `tag ${checkout.tag}`;
    head = undefined;
  } else if (!ref) {
    // Git would name a new branch after the directory; Kargo's "no ref"
    // means the repository's default branch.
    ref = await session.run(['symbolic-ref', '--short', 'HEAD'], {
      cwd: bareDir,
      operation: 'finding the default branch',
    });
    what = `default branch ${ref}`;
  }
  const sparse = checkout.sparse ?? [];
  const operation = `checking out ${what} to ${checkout.path}`;
  // Fetches (lazily, for blobless clones) and submodules talk to the remote.
  const remote = { operation, remoteURL: options.repoURL };
  await session.run(
    [
      'worktree',
      'add',
      '--quiet',
      ...(sparse.length ? ['--no-checkout'] : []),
      '--',
      dir,
      ref,
    ],
    { cwd: bareDir, ...remote },
  );
  if (sparse.length) {
    await session.run(
      ['sparse-checkout', 'set', '--cone', '--end-of-options', ...sparse],
      { cwd: dir, ...remote },
    );
    await session.run(['reset', '--quiet', '--hard', 'HEAD'], {
      cwd: dir,
      ...remote,
    });
  }
  if (options.recurseSubmodules) {
    await session.run(
      ['submodule', 'update', '--init', '--recursive', '--quiet'],
      {
        cwd: dir,
        ...remote,
      },
    );
  }
  // Nothing else uses this private clone: a branch checks out at the
  // commit its ref held a moment ago.
  head ??= await session.run(['rev-parse', 'HEAD'], {
    cwd: dir,
    operation: `reading HEAD of ${checkout.path}`,
  });
  ctx.log(`Checked out ${what} to ${checkout.path} at ${head}`);
  return head;
}
