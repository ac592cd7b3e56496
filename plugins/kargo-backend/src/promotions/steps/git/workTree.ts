import {
  PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { GitIdentity, GitSession } from './gitSession';
import { readHeadFromDisk } from './headFromDisk';
import { readRepositoryConfig, RepositorySettings } from './repoConfigGuard';

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
  '--git-path',
  'rebase-merge',
  '--git-path',
  'rebase-apply',
  '--git-path',
  'MERGE_HEAD',
];

/**
 * Resolves a step's `path` to a Git working tree. Besides the path guard,
 * the working tree's top level and its repository (a `.git` file can point
 * anywhere) must be inside the work directory too: a step must not commit
 * to, or push from, a repository elsewhere on the backend's disk. Two git
 * processes, side by side: one rev-parse for the locations, HEAD and its
 * branch, one config read for the settings (and the refusal of dangerous
 * ones).
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
  const call = { cwd: dir, operation: `reading the repository at ${path}` };
  // Both read only; the settings count once the locations passed.
  const [located, configured] = await Promise.allSettled([
    // HEAD's commit, then its ref ("HEAD" when detached).
    session.exec([...LOCATE, 'HEAD', '--symbolic-full-name', 'HEAD'], call),
    readRepositoryConfig(session, dir, path),
  ]);
  if (located.status === 'rejected') throw located.reason;
  let result = located.value;
  const bornHead = result.code === 0;
  // Only a branch without commits fails on HEAD: ask again without it.
  if (!bornHead) result = await session.exec(LOCATE, call);
  const [
    top,
    common,
    gitDir,
    rebaseMerge,
    rebaseApply,
    mergeHead,
    head,
    symbolic,
  ] = result.stdout.trim().split('\n');
  if (result.code !== 0 || !top || !common || !mergeHead) {
    throw new TerminalStepError(
      `path: "${path}" is not a Git working tree (check it out with git-clone first)`,
    );
  }
  const root = await realpath(ctx.workDir);
  for (const p of [top, common, gitDir]) {
    if (!inside(root, await realpath(p))) {
      throw new TerminalStepError(
        `path: the Git repository of "${path}" lies outside the Promotion's work directory`,
      );
    }
  }
  if (configured.status === 'rejected') throw configured.reason;
  const settings = configured.value;
  const wt: WorkTree = {
    dir,
    path,
    gitDir,
    branch: '',
    stopped: { rebaseMerge, rebaseApply, mergeHead },
    settings,
  };
  if (bornHead) {
    wt.head = head;
    wt.branch = symbolic?.startsWith('refs/heads/')
      ? symbolic.slice('refs/heads/'.length)
      : '';
  } else {
    wt.branch = await currentBranch(session, wt);
  }
  return wt;
}

/** The commit HEAD points at: from the repository's files, else from git. */
export async function headCommit(
  session: GitSession,
  wt: WorkTree,
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
  wt: WorkTree,
): Promise<string> {
  const result = await session.exec(['symbolic-ref', '--quiet', 'HEAD'], {
    cwd: wt.dir,
    operation: `reading the branch of ${wt.path}`,
  });
  const ref = result.stdout.trim();
  return result.code === 0 && ref.startsWith('refs/heads/')
    ? ref.slice('refs/heads/'.length)
    : '';
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
