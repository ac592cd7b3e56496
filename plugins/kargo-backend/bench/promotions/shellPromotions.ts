/**
 * The baseline side of the promotion figures: promote.sh (clone, sed,
 * commit, push, pull --rebase on rejection) spawned by Node and timed from
 * spawn to exit, one job at a time or as a pool of workers.
 */
import { join, resolve } from 'node:path';
import { spawnTimed } from '../discovery/spawnTimed';
import { now } from '../measure';

export const PROMOTE_SCRIPT = resolve(__dirname, 'promote.sh');

/** A CI job's environment: its own HOME, an identity, no prompts. */
export function scriptEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'CI',
    GIT_AUTHOR_EMAIL: 'ci@example.com',
    GIT_COMMITTER_NAME: 'CI',
    GIT_COMMITTER_EMAIL: 'ci@example.com',
  };
}

export type ShellJob = {
  repoURL: string;
  /** Jobs of one Stage run one at a time, in order (as Promotions do). */
  stage: string;
  file: string;
  tag: string;
};

export type ShellRun = { ms: number; pushAttempts: number };

/** One job; `workDir` must not exist yet (git clone makes it). */
export async function runPromoteScript(
  job: ShellJob,
  workDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ShellRun> {
  const run = await spawnTimed(
    'bash',
    [PROMOTE_SCRIPT, job.repoURL, job.file, job.tag, workDir],
    { env, timeoutMs: 120_000 },
  );
  const attempts = /pushed on attempt (\d+)/.exec(run.stdout);
  if (!attempts)
    throw new Error(`promote.sh said: ${run.stdout.slice(0, 300)}`);
  return { ms: run.ms, pushAttempts: Number(attempts[1]) };
}

export type ShellPoolResult = {
  /** Per job (input order): pool start → the job's exit, ms. */
  latencies: number[];
  /** Pool start → last exit. */
  seconds: number;
  /** Pushes the remote rejected (attempts beyond the first). */
  rejectedPushes: number;
  failures: string[];
};

/**
 * Runs every job with at most `concurrency` at once, the first one in input
 * order whose Stage is free next: all jobs are queued at the start, like
 * Promotions created at once, and a Stage's jobs never overlap.
 */
export function runShellPool(
  jobs: ShellJob[],
  concurrency: number,
  scratch: string,
  env: NodeJS.ProcessEnv,
): Promise<ShellPoolResult> {
  const latencies: number[] = new Array(jobs.length).fill(NaN);
  const failures: string[] = [];
  const pending = jobs.map((job, index) => ({ job, index }));
  const busy = new Set<string>();
  let running = 0;
  let rejectedPushes = 0;
  const start = now();
  return new Promise(done => {
    function launch(job: ShellJob, index: number) {
      busy.add(job.stage);
      running++;
      runPromoteScript(job, join(scratch, `job-${index}`), env)
        .then(
          r => {
            latencies[index] = now() - start;
            rejectedPushes += r.pushAttempts - 1;
          },
          error => {
            failures.push(
              `job ${index} (${job.stage} → ${job.tag}): ${error.message}`,
            );
          },
        )
        .finally(() => {
          busy.delete(job.stage);
          running--;
          next();
        });
    }
    function next() {
      // After a failure no new job starts; the running ones finish.
      while (running < concurrency && !failures.length) {
        const i = pending.findIndex(p => !busy.has(p.job.stage));
        if (i < 0) break;
        const [{ job, index }] = pending.splice(i, 1);
        launch(job, index);
      }
      if (running === 0) {
        done({
          latencies,
          seconds: (now() - start) / 1000,
          rejectedPushes,
          failures,
        });
      }
    }
    next();
  });
}
