import {
  PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { GitIdentity, GitSession } from './gitSession';
import { assertSafeRepositoryConfig } from './repoConfigGuard';

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
};

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Resolves a step's `path` to a Git working tree. Besides the path guard,
 * the working tree's top level and its repository (a `.git` file can point
 * anywhere) must be inside the work directory too: a step must not commit
 * to, or push from, a repository elsewhere on the backend's disk.
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
  const result = await session.exec(
    [
      'rev-parse',
      '--path-format=absolute',
      '--show-toplevel',
      '--git-common-dir',
    ],
    { cwd: dir, operation: `reading the repository at ${path}` },
  );
  const [top, common] = result.stdout.trim().split('\n');
  if (result.code !== 0 || !top || !common) {
    throw new TerminalStepError(
      `path: "${path}" is not a Git working tree (check it out with git-clone first)`,
    );
  }
  const root = await realpath(ctx.workDir);
  for (const p of [top, common]) {
    if (!inside(root, await realpath(p))) {
      throw new TerminalStepError(
        `path: the Git repository of "${path}" lies outside the Promotion's work directory`,
      );
    }
  }
  await assertSafeRepositoryConfig(session, dir, path);
  return { dir, path };
}

/** The commit HEAD points at. */
export function headCommit(session: GitSession, wt: WorkTree): Promise<string> {
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
  const result = await session.exec(
    ['symbolic-ref', '--quiet', '--short', 'HEAD'],
    {
      cwd: wt.dir,
      operation: `reading the branch of ${wt.path}`,
    },
  );
  return result.code === 0 ? result.stdout.trim() : '';
}

/** A single-valued git config entry, or undefined when it is not set. */
export async function gitConfigValue(
  session: GitSession,
  cwd: string,
  key: string,
): Promise<string | undefined> {
  const result = await session.exec(['config', '--get', key], {
    cwd,
    operation: `reading ${key}`,
  });
  const value = result.stdout.trim();
  return result.code === 0 && value ? value : undefined;
}

/**
 * The identity configured in the repository (git-clone writes it there, as
 * Kargo does), else `fallback`.
 */
export async function repositoryIdentity(
  session: GitSession,
  cwd: string,
  fallback: GitIdentity,
): Promise<GitIdentity> {
  const name = await gitConfigValue(session, cwd, 'user.name');
  const email = await gitConfigValue(session, cwd, 'user.email');
  return { name: name ?? fallback.name, email: email ?? fallback.email };
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
