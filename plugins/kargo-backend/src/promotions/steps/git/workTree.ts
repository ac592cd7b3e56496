import {
  PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GitIdentity, GitSession } from './gitSession';
import { branchOf, readHeadFromDisk } from './headFromDisk';
import { RepositorySettings } from './repoConfigGuard';

/** Kargo's identity when neither the step nor the operator sets one. */
export const KARGO_DEFAULT_IDENTITY: GitIdentity = {
  name: 'Kargo',
  email: 'no-reply@kargo.io',
};

/** A Git working tree inside the Promotion's work directory. */
export type WorkTree = {
  /** The directory the step's `path` names. */
  dir: string;
  /** The path as the user wrote it, for messages. */
  path: string;
  /** Its git directory (absolute): HEAD and, for a linked tree, commondir. */
  gitDir: string;
  /** The repository's directory of shared refs and objects (absolute). */
  commonDir: string;
  /**
   * HEAD's commit when the tree was opened (read it again with headCommit
   * after changing it); undefined on a branch without commits.
   */
  head?: string;
  /** The branch checked out when opened; '' when HEAD is detached. */
  branch: string;
  /** Where git keeps a stopped rebase's or merge's state (absolute). */
  stopped: { rebaseMerge: string; rebaseApply: string; mergeHead: string };
  /** The repository's settings the git steps use. */
  settings: RepositorySettings;
};

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** What one `git rev-parse` tells about a working tree, in this order. */
const LOCATE = [
  'rev-parse',
  '--path-format=absolute',
  '--show-toplevel',
  '--git-common-dir',
  '--absolute-git-dir',
];

/** Where a working tree's repository is, and its HEAD. */
type Location = {
  top: string;
  gitDir: string;
  commonDir: string;
  /** HEAD's commit; undefined on a branch without commits. */
  head?: string;
  /** The checked-out branch; '' when detached. */
  branch: string;
};

/**
 * The location read from the files, for a `path` that is the top of a
 * working tree (its `.git` a directory, or a file naming one), as git-clone
 * leaves it: no process. Undefined whenever anything differs from that
 * (a sub-directory, an unborn branch, a ref git keeps elsewhere): git is
 * asked then.
 */
async function locateOnDisk(dir: string): Promise<Location | undefined> {
  const dotGit = join(dir, '.git');
  const info = await lstat(dotGit).catch(() => undefined);
  let gitDir: string;
  if (info?.isDirectory()) {
    gitDir = dotGit;
  } else if (info?.isFile()) {
    const named = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'));
    if (!named) return undefined;
    gitDir = resolve(dir, named[1].trim());
  } else {
    return undefined;
  }
  const commondir = await readFile(join(gitDir, 'commondir'), 'utf8').catch(
    () => undefined,
  );
  const commonDir = commondir ? resolve(gitDir, commondir.trim()) : gitDir;
  const [head, objects] = await Promise.all([
    readHeadFromDisk(gitDir),
    stat(join(commonDir, 'objects')).catch(() => undefined),
  ]);
  if (!head.commit || !objects?.isDirectory()) return undefined;
  return {
    top: dir,
    gitDir,
    commonDir,
    head: head.commit,
    branch: branchOf(head.ref),
  };
}

/** The location as git tells it: one `git rev-parse`. */
async function locateWithGit(
  session: GitSession,
  dir: string,
  path: string,
): Promise<Location> {
  const call = { cwd: dir, operation: `reading the repository at ${path}` };
  // HEAD's commit, then its ref ("HEAD" when detached).
  let result = await session.exec(
    [...LOCATE, 'HEAD', '--symbolic-full-name', 'HEAD'],
    call,
  );
  const bornHead = result.code === 0;
  // Only a branch without commits fails on HEAD: ask again without it.
  if (!bornHead) result = await session.exec(LOCATE, call);
  const [top, commonDir, gitDir, head, symbolic] = result.stdout
    .trim()
    .split('\n');
  if (result.code !== 0 || !top || !commonDir || !gitDir) {
    throw new TerminalStepError(
      `path: "${path}" is not a Git working tree (check it out with git-clone first)`,
    );
  }
  const location: Location = { top, gitDir, commonDir, branch: '' };
  if (bornHead) {
    location.head = head;
    location.branch = branchOf(symbolic);
  } else {
    location.branch = await currentBranch(session, { dir, path });
  }
  return location;
}

/**
 * Resolves a step's `path` to a Git working tree. Besides the path guard,
 * the working tree's top level and its repository (a `.git` file can point
 * anywhere) must be inside the work directory too: a step must not commit
 * to, or push from, a repository elsewhere on the backend's disk. The
 * repository's settings are read (and dangerous ones refused) by one git
 * process, which a later step skips while the configuration is unchanged;
 * the location comes from the files for the top of a working tree, else
 * from `git rev-parse`.
 */
export async function openWorkTree(
  ctx: PromotionStepContext,
  session: GitSession,
  path: string,
): Promise<WorkTree> {
  const dir = await ctx.resolvePath(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new TerminalStepError(
      `path: "${path}" is not a directory in the Promotion's work directory (check it out with git-clone first)`,
    );
  }
  const root = await realpath(ctx.workDir);
  const checkInside = async (location: Location) => {
    for (const p of [location.top, location.commonDir, location.gitDir]) {
      if (!inside(root, await realpath(p))) {
        throw new TerminalStepError(
          `path: the Git repository of "${path}" lies outside the Promotion's work directory`,
        );
      }
    }
  };
  const readSettings = (at: Location) =>
    session.configCache.read(session, { ...at, dir }, path);
  let location = await locateOnDisk(dir);
  let settings: RepositorySettings | undefined;
  if (location) {
    await checkInside(location);
    settings = await readSettings(location);
    // Git would put the working tree elsewhere: let git say where.
    const bareMain = settings.bare && location.gitDir === location.commonDir;
    if (settings.worktreeSet || bareMain) location = undefined;
  }
  if (!location) {
    location = await locateWithGit(session, dir, path);
    await checkInside(location);
    settings = await readSettings(location);
  }
  return {
    dir,
    path,
    gitDir: location.gitDir,
    commonDir: location.commonDir,
    head: location.head,
    branch: location.branch,
    stopped: {
      rebaseMerge: join(location.gitDir, 'rebase-merge'),
      rebaseApply: join(location.gitDir, 'rebase-apply'),
      mergeHead: join(location.gitDir, 'MERGE_HEAD'),
    },
    settings: settings!,
  };
}

/** The commit HEAD points at: from the repository's files, else from git. */
export async function headCommit(
  session: GitSession,
  wt: Pick<WorkTree, 'dir' | 'gitDir' | 'path'>,
): Promise<string> {
  const { commit } = await readHeadFromDisk(wt.gitDir);
  if (commit) return commit;
  return session.run(['rev-parse', '--verify', 'HEAD^{commit}'], {
    cwd: wt.dir,
    operation: `reading HEAD of ${wt.path}`,
  });
}

/** The checked-out branch, or '' when HEAD is detached. */
export async function currentBranch(
  session: GitSession,
  wt: Pick<WorkTree, 'dir' | 'path'>,
): Promise<string> {
  const result = await session.exec(['symbolic-ref', '--quiet', 'HEAD'], {
    cwd: wt.dir,
    operation: `reading the branch of ${wt.path}`,
  });
  return result.code === 0 ? branchOf(result.stdout.trim()) : '';
}

/**
 * The identity configured in the repository (git-clone writes it there, as
 * Kargo does), else `fallback`.
 */
export function repositoryIdentity(
  wt: WorkTree,
  fallback: GitIdentity,
): GitIdentity {
  return {
    name: wt.settings.name ?? fallback.name,
    email: wt.settings.email ?? fallback.email,
  };
}

/** Refuses names git would not accept as a branch, with a clear message. */
export async function checkBranchName(
  session: GitSession,
  cwd: string,
  field: string,
  branch: string,
): Promise<void> {
  const result = await session.exec(['check-ref-format', '--branch', branch], {
    cwd,
    operation: 'checking a branch name',
  });
  if (result.code !== 0 || branch.startsWith('-')) {
    throw new TerminalStepError(
      `${field}: "${branch}" is not a valid branch name`,
    );
  }
}
