import {
  PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { displayURL } from '../../../warehouses/discovery/git/gitErrors';
import { PushIntegrationPolicy } from './deps';
import { GitIdentity, GitSession } from './gitSession';
import { integrateRemoteChanges } from './integrateRemote';
import { WorkTree } from './workTree';

/** Kargo's pattern for a push the remote refused because its branch moved. */
const NON_FAST_FORWARD =
  /^\s*!\s+\[(?:remote )?rejected\].+\((?:non-fast-forward|fetch first|cannot lock ref.*|incorrect old value provided)\)\s*$/m;
/**
 * Plain `git receive-pack` (git http-backend, Gitea) that loses a race for
 * the ref between its own check and its update says "failed to update ref"
 * and gives the reason on a `remote:` line; Kargo's pattern misses it.
 */
const LOST_REF_RACE =
  /^\s*!\s+\[remote rejected\].+\(failed to update ref\)\s*$/m;
const REF_MOVED =
  /cannot lock ref '[^']+': is at [0-9a-f]+ but expected [0-9a-f]+/;

/** Whether git push's error output says the remote branch moved. */
export function branchMoved(stderr: string): boolean {
  return (
    NON_FAST_FORWARD.test(stderr) ||
    (LOST_REF_RACE.test(stderr) && REF_MOVED.test(stderr))
  );
}

/** Kargo's backoff between push attempts: ×1.5 each time, jitter 50 %, cap 30 s. */
export function pushRetryDelay(baseMs: number, retry: number): number {
  const delay = Math.min(baseMs * 1.5 ** (retry - 1), 30_000);
  return delay + Math.random() * 0.5 * delay;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('push was cancelled'));
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('push was cancelled'));
    };
    timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Pushes HEAD to `branch`. Unless forced, every attempt first integrates
 * what landed on the remote branch (Kargo: "each attempt, including the
 * first, rebases prior to pushing"); when the branch moves again between
 * that and the push, it waits and tries again, up to `maxAttempts` times.
 * A conflict surfaces as an IntegrationConflict.
 */
export async function pushBranch(
  ctx: PromotionStepContext,
  session: GitSession,
  wt: WorkTree,
  options: {
    repoURL: string;
    branch: string;
    force: boolean;
    policy: PushIntegrationPolicy;
    maxAttempts: number;
    baseDelayMs: number;
    identity: GitIdentity;
  },
): Promise<void> {
  const { branch, repoURL } = options;
  const url = displayURL(repoURL);
  const call = {
    cwd: wt.dir,
    operation: `pushing to branch ${branch}`,
    remoteURL: repoURL,
  };
  for (let attempt = 1; ; attempt++) {
    if (!options.force) {
      await integrateRemoteChanges(session, wt, {
        repoURL,
        branch,
        policy: options.policy,
        identity: options.identity,
      });
    }
    const result = await session.exec(
      [
        'push',
        ...(options.force ? ['--force'] : []),
        'origin',
        `HEAD:refs/heads/${branch}`,
      ],
      call,
    );
    if (result.code === 0) {
      ctx.log(
        `Pushed to branch ${branch} of ${url}${
          options.force ? ' (forced)' : ''
        }${attempt > 1 ? ` on attempt ${attempt}` : ''}`,
      );
      return;
    }
    if (!branchMoved(result.stderr)) throw session.failure(result, call);
    if (attempt >= options.maxAttempts) {
      throw new Error(
        `pushing to branch ${branch} of ${url}: the remote branch moved during each of ${attempt} attempts (maxAttempts); try again later`,
      );
    }
    const delay = pushRetryDelay(options.baseDelayMs, attempt);
    ctx.log(
      `Branch ${branch} of ${url} moved before the push (attempt ${attempt}); retrying in ${Math.round(
        delay,
      )} ms`,
    );
    await sleep(delay, ctx.signal);
  }
}

/**
 * Pushes a local tag. Pushing a tag the remote already has at the same
 * object does nothing (so a repeated attempt succeeds); a different one is
 * refused: tags are not moved.
 */
export async function pushTag(
  ctx: PromotionStepContext,
  session: GitSession,
  wt: WorkTree,
  options: { repoURL: string; tag: string },
): Promise<void> {
  const { tag, repoURL } = options;
  const ref = `refs/tags/${tag}`;
  const local = await session.exec(['rev-parse', '--quiet', '--verify', ref], {
    cwd: wt.dir,
    operation: `looking up tag ${tag}`,
  });
  if (local.code !== 0) {
    throw new TerminalStepError(
      `tag: "${tag}" does not exist in ${wt.path}; create it with git-tag first`,
    );
  }
  const call = {
    cwd: wt.dir,
    operation: `pushing tag ${tag}`,
    remoteURL: repoURL,
  };
  const result = await session.exec(['push', 'origin', `${ref}:${ref}`], call);
  if (result.code === 0) {
    ctx.log(`Pushed tag ${tag} to ${displayURL(repoURL)}`);
    return;
  }
  if (/\[rejected\].*\(already exists\)/.test(result.stderr)) {
    throw new TerminalStepError(
      `tag "${tag}" already exists in ${displayURL(
        repoURL,
      )} at another object; tags are not moved`,
    );
  }
  throw session.failure(result, call);
}
