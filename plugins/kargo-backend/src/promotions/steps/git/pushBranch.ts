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
 * Pushes HEAD to `branch`, up to `maxAttempts` times while the remote
 * refuses because its branch moved. Unless forced, every attempt but the
 * first integrates what landed on the remote branch before it pushes; the
 * first does too when `integrateFirst` (the caller knows the branch moved
 * since the clone) or when it is the only attempt. After a refused first
 * push, the next attempt follows at once; after a refused integrated push
 * (the branch moved again in between), it waits first. A conflict surfaces
 * as an IntegrationConflict. Returns whether HEAD may have changed.
 *
 * Kargo integrates before every attempt, the first included ("each
 * attempt, including the first, rebases prior to pushing"). Pushing first
 * lands the same commits. When the remote branch is still where the clone
 * found it (or anywhere HEAD already contains), Kargo's rebase or merge
 * changes nothing and its push fast-forwards the branch: so does ours.
 * Otherwise our push is refused and changes nothing (git refuses a push
 * that does not fast-forward the tip the remote advertised, and the remote
 * an update whose branch moved after it advertised it), and the next
 * attempt fetches, integrates and pushes as Kargo's first would have. This
 * saves a fetch (two HTTP requests) and a rebase on every push to a branch
 * that did not move, for one refused push (git reads the remote's refs
 * and sends nothing) when it did; that refused push counts as an attempt
 * toward `maxAttempts` (when above 1).
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
    integrateFirst: boolean;
  },
): Promise<{ integrated: boolean }> {
  const { branch, repoURL } = options;
  const url = displayURL(repoURL);
  const call = {
    cwd: wt.dir,
    operation: `pushing to branch ${branch}`,
    remoteURL: repoURL,
  };
  let integrated = false;
  for (let attempt = 1; ; attempt++) {
    const integrate =
      !options.force &&
      (attempt > 1 || options.integrateFirst || options.maxAttempts <= 1);
    if (integrate) {
      await integrateRemoteChanges(session, wt, {
        repoURL,
        branch,
        policy: options.policy,
        identity: options.identity,
      });
      integrated = true;
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
      return { integrated };
    }
    if (!branchMoved(result.stderr)) throw session.failure(result, call);
    if (attempt >= options.maxAttempts) {
      throw new Error(
        `pushing to branch ${branch} of ${url}: the remote branch moved during each of ${attempt} attempts (maxAttempts); try again later`,
      );
    }
    if (!integrate && !options.force) {
      ctx.log(
        `Branch ${branch} of ${url} moved before the push (attempt ${attempt}); integrating its new commits and pushing again`,
      );
      continue;
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
