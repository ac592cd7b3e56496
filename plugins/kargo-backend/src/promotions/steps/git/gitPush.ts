import type { JsonObject } from '@backstage/types';
import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { normalizeGitURL } from '@kargo-backstage/plugin-kargo-common';
import { displayURL } from '../../../warehouses/discovery/git/gitErrors';
import { buildCommitURL } from './commitURL';
import { GitStepDeps } from './deps';
import { GitSession } from './gitSession';
import { readRefFromDisk } from './headFromDisk';
import {
  abandonStoppedIntegration,
  fetchRemoteBranch,
  IntegrationConflict,
  isAncestor,
} from './integrateRemote';
import { pushBranch, pushTag } from './pushBranch';
import { gitPushSchema, GitPushConfig } from './schemas';
import {
  checkBranchName,
  currentBranch,
  headCommit,
  KARGO_DEFAULT_IDENTITY,
  openWorkTree,
  repositoryIdentity,
  WorkTree,
} from './workTree';

/** Branches whose last push BranchLocks remembers (one entry each). */
const MAX_REMEMBERED = 1000;

/**
 * Serializes pushes to one branch of one repository within this backend,
 * as Kargo does per controller: concurrent Promotions then rebase on each
 * other's commits instead of racing. It also remembers the last commit this
 * backend pushed to each branch: a Promotion whose HEAD does not contain it
 * cloned before that push, so its own push would be refused, and it
 * integrates before its first push instead (as Kargo always does).
 */
class BranchLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly pushed = new Map<string, string>();

  async with<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(work);
    this.tails.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }

  /** The commit this backend last pushed to the branch, if remembered. */
  lastPushed(key: string): string | undefined {
    return this.pushed.get(key);
  }

  remember(key: string, commit: string): void {
    this.pushed.delete(key);
    this.pushed.set(key, commit);
    // Bounded: generated branches are one per Promotion.
    if (this.pushed.size > MAX_REMEMBERED) {
      this.pushed.delete(this.pushed.keys().next().value!);
    }
  }
}

/** Kargo's git-push, with its internal fetch-rebase-retry loop. */
export function createGitPushStep(deps: GitStepDeps): PromotionStepRunner {
  const locks = new BranchLocks();
  return {
    name: 'git-push',
    configSchema: gitPushSchema,
    run: ctx => push(deps, locks, ctx),
  };
}

/**
 * True when the remote branch already holds `head` (at its tip or below):
 * an earlier attempt pushed it and only its result was lost.
 */
async function alreadyPushed(
  session: GitSession,
  wt: WorkTree,
  repoURL: string,
  branch: string,
  head: string,
): Promise<boolean> {
  if (!(await fetchRemoteBranch(session, wt, repoURL, branch))) return false;
  return isAncestor(session, wt, head, `refs/remotes/origin/${branch}`);
}

/**
 * Whether HEAD contains `commit` (false when it is not in the repository at
 * all). The usual answer needs no process: the commit is the branch's tip
 * the clone fetched, which HEAD was checked out from. A wrong "yes" would
 * only cost a refused push, which integrates and pushes again.
 */
async function contains(
  session: GitSession,
  wt: WorkTree,
  commit: string,
  branch: string,
): Promise<boolean> {
  const fetched = await readRefFromDisk(
    wt.commonDir,
    `refs/remotes/origin/${branch}`,
  );
  if (fetched === commit) return true;
  const result = await session.exec(
    ['merge-base', '--is-ancestor', commit, 'HEAD'],
    { cwd: wt.dir, operation: 'comparing commits' },
  );
  return result.code === 0;
}

async function push(
  deps: GitStepDeps,
  locks: BranchLocks,
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const config = ctx.config as unknown as GitPushConfig;
  const probe = await GitSession.open(deps.toolbox, ctx.workDir, ctx.signal);
  const wt = await openWorkTree(ctx, probe, config.path);
  const repoURL = wt.settings.originURL;
  if (!repoURL) {
    throw new TerminalStepError(
      `path: the repository of "${config.path}" has no remote "origin" to push to`,
    );
  }
  const auth = await deps.credentials.lookup('git', repoURL);
  const session = await GitSession.open(
    deps.toolbox,
    ctx.workDir,
    ctx.signal,
    auth,
  );
  const url = displayURL(repoURL);
  // A stopped rebase also detaches HEAD: undo it before reading the branch.
  let branchNow = wt.branch;
  let headNow = wt.head;
  if (await abandonStoppedIntegration(session, wt)) {
    ctx.log(
      `Undid a rebase or merge an earlier attempt left stopped in ${config.path}`,
    );
    branchNow = await currentBranch(session, wt);
    headNow = undefined;
  }
  const output = (head: string, branch: string): JsonObject => {
    const out: JsonObject = { commit: head };
    if (branch) out.branch = branch;
    const commitURL = buildCommitURL(repoURL, head, config.provider);
    if (commitURL) out.commitURL = commitURL;
    return out;
  };

  if (config.tag) {
    await pushTag(ctx, session, wt, { repoURL, tag: config.tag });
    return {
      status: 'Succeeded',
      output: output(headNow ?? (await headCommit(session, wt)), branchNow),
    };
  }

  const generated = config.generateTargetBranch
    ? `kargo/promotion/${ctx.promotion}`
    : undefined;
  const branch = config.targetBranch || generated || branchNow;
  if (!branch) {
    throw new TerminalStepError(
      `path: "${config.path}" has no branch checked out (a commit or tag checkout); set targetBranch or generateTargetBranch`,
    );
  }
  // The checked-out branch is a valid name: git made it.
  if (branch !== branchNow || branch === 'HEAD' || branch.startsWith('-')) {
    await checkBranchName(session, wt.dir, 'targetBranch', branch);
  }
  // A generated branch belongs to this Promotion alone: Kargo force-pushes
  // it, so a Promotion that starts over does not trip over its own branch.
  const force = (config.force ?? false) || generated !== undefined;

  const key = `${normalizeGitURL(repoURL)}\n${branch}`;
  return locks.with(key, async () => {
    let head = headNow ?? (await headCommit(session, wt));
    if (
      (ctx.resumed || ctx.attempt > 1) &&
      (await alreadyPushed(session, wt, repoURL, branch, head))
    ) {
      ctx.log(
        `Branch ${branch} of ${url} already contains ${head}; nothing to push`,
      );
      return { status: 'Succeeded', output: output(head, branch) };
    }
    const last = force ? undefined : locks.lastPushed(key);
    let pushed: { integrated: boolean };
    try {
      pushed = await pushBranch(ctx, session, wt, {
        repoURL,
        branch,
        force,
        policy: deps.pushIntegrationPolicy,
        maxAttempts: config.maxAttempts ?? 10,
        baseDelayMs: deps.pushRetryDelayMs,
        identity: repositoryIdentity(wt, deps.author ?? KARGO_DEFAULT_IDENTITY),
        integrateFirst:
          last !== undefined &&
          last !== head &&
          !(await contains(session, wt, last, branch)),
      });
    } catch (error) {
      if (error instanceof IntegrationConflict) {
        return { status: 'Failed', message: error.message };
      }
      throw error;
    }
    if (pushed.integrated) head = await headCommit(session, wt);
    locks.remember(key, head);
    return { status: 'Succeeded', output: output(head, branch) };
  });
}
