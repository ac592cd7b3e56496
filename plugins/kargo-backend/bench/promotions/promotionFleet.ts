/**
 * Figure: many Promotions over many Stages that push into shared GitOps
 * repositories (each Stage edits its own values file on main, so pushes to
 * one repository contend and rebase). Every Promotion is created at once,
 * several per Stage (FIFO per Stage), and the engine runs them with its
 * default concurrency. Baseline, the "raw git rate": the same jobs run by
 * promote.sh with the same concurrency against an identical set of
 * repositories, all queued at the start; once before and once after the
 * engine (each on fresh copies), so that a shared machine's drift weighs on
 * both sides alike, and the two runs are pooled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchGitRepos } from '../discovery/gitRepos';
import type { DatabaseProvider } from '../databases';
import { percentile, rssAfterGc } from '../measure';
import {
  enginePromotionNotes,
  EngineSide,
  openEngine,
  promoteBatch,
  readPromotions,
  repeatedPushes,
} from './enginePromotions';
import {
  commitCount,
  fleetStage,
  freightOf,
  projectYaml,
  stagesNotAt,
  valuesPath,
} from './layout';
import {
  runShellPool,
  scriptEnv,
  ShellJob,
  ShellPoolResult,
} from './shellPromotions';
import type { Log, PromotionFigure } from './types';

export type FleetOptions = {
  stages: number;
  /** Repositories the Stages share, stages ÷ repos Stages each. */
  repos: number;
  /** Promotions per Stage, all created at once. */
  perStage: number;
  /** Engine concurrency (the default, 4) and the script's worker count. */
  concurrency: number;
  /** Longest wait for the engine's batch; beyond it the figure fails. */
  budgetMs: number;
};

const PROJECT = 'fleet';
const MiB = 1024 * 1024;

/** Copies used: the engine's, then promote.sh's before and after it. */
export const fleetCopies = (options: FleetOptions) => 3 * options.repos;

/** The Stages on copies offset.. (the engine 0, promote.sh repos and 2 × repos). */
function layout(options: FleetOptions, repos: BenchGitRepos, offset: number) {
  const perRepo = Math.ceil(options.stages / options.repos);
  return Array.from({ length: options.stages }, (_, i) => {
    const r = offset + Math.floor(i / perRepo);
    return {
      stage: fleetStage(i),
      repoURL: repos.copyURLs[r],
      repoDir: repos.copyDirs[r],
    };
  });
}

/** Round-major: every Stage's first Promotion, then every second one... */
function jobs<T>(
  options: FleetOptions,
  make: (stage: number, round: number) => T,
): T[] {
  const out: T[] = [];
  for (let round = 1; round <= options.perStage; round++) {
    for (let s = 0; s < options.stages; s++) out.push(make(s, round));
  }
  return out;
}

/** Stages whose values file did not end at the last round's tag. */
function unfinishedStages(
  stages: ReturnType<typeof layout>,
  lastTag: string,
): string[] {
  const byRepo = new Map<string, string[]>();
  for (const s of stages) {
    byRepo.set(s.repoDir, [...(byRepo.get(s.repoDir) ?? []), s.stage]);
  }
  return [...byRepo].flatMap(([dir, names]) =>
    stagesNotAt(dir, names, lastTag),
  );
}

export async function promotionFleetFigure(
  provider: DatabaseProvider,
  repos: BenchGitRepos,
  options: FleetOptions,
  log: Log,
): Promise<{ figure: PromotionFigure; notes: string[] }> {
  const total = options.stages * options.perStage;
  const lastTag = freightOf(options.perStage).tag;
  const ourStages = layout(options, repos, 0);
  const scratch = await mkdtemp(join(tmpdir(), 'kargo-bench-fleet-'));
  let engine: EngineSide | undefined;

  /** Baseline: promote.sh, the same jobs, the same concurrency. */
  const runScript = async (run: 'before' | 'after') => {
    const stages = layout(
      options,
      repos,
      (run === 'before' ? 1 : 2) * options.repos,
    );
    log(
      `fleet baseline (${run} the engine): ${total} promote.sh jobs, ${options.concurrency} at once`,
    );
    const shell = await runShellPool(
      jobs<ShellJob>(options, (s, round) => ({
        repoURL: stages[s].repoURL,
        stage: stages[s].stage,
        file: valuesPath(stages[s].stage),
        tag: freightOf(round).tag,
      })),
      options.concurrency,
      join(scratch, `script-${run}`),
      scriptEnv(join(scratch, 'home')),
    );
    if (shell.failures.length) {
      throw new Error(`promote.sh failed: ${shell.failures[0]}`);
    }
    const wrong = unfinishedStages(stages, lastTag);
    if (wrong.length) {
      throw new Error(
        `promote.sh left ${wrong.length} values files short of ${lastTag}: ${wrong[0]}`,
      );
    }
    return shell;
  };

  try {
    const before = await runScript('before');

    // ---- The engine.
    engine = await openEngine(
      provider,
      'promotion_fleet',
      projectYaml(PROJECT, ourStages, options.perStage),
      options.concurrency,
    );
    const rssBefore = rssAfterGc() / MiB;
    log(
      `fleet: ${total} Promotions over ${options.stages} Stages, engine concurrency ${options.concurrency}`,
    );
    const batch = await promoteBatch(
      engine,
      PROJECT,
      jobs(options, (s, round) => ({
        stage: ourStages[s].stage,
        freight: freightOf(round).name,
      })),
      { timeoutMs: options.budgetMs },
    );
    const rssAfter = rssAfterGc() / MiB;
    if (batch.failures.length) {
      throw new Error(
        `${batch.failures.length} of ${total} Promotions did not succeed; first: ${batch.failures[0]}`,
      );
    }
    const ourWrong = unfinishedStages(ourStages, lastTag);
    if (ourWrong.length) {
      throw new Error(
        `the engine left ${ourWrong.length} values files short of ${lastTag}: ${ourWrong[0]}`,
      );
    }
    const ourRepeats = await repeatedPushes(engine.knex, PROJECT);
    const promotions = await readPromotions(engine.knex, PROJECT);
    const engineNotes = enginePromotionNotes(
      `fleet (${provider.label})`,
      [...promotions.values()],
      engine,
    );
    await engine.close();
    engine = undefined;

    const after = await runScript('after');
    const shell: ShellPoolResult = {
      latencies: [...before.latencies, ...after.latencies],
      seconds: before.seconds + after.seconds,
      rejectedPushes: before.rejectedPushes + after.rejectedPushes,
      failures: [],
    };

    const perRepo = Math.ceil(options.stages / options.repos);
    const commits = repos.copyDirs.map(commitCount);
    const ratePerSecond = total / batch.seconds;
    const scriptRate = (2 * total) / shell.seconds;
    const rate = (r: ShellPoolResult) =>
      `${r.seconds.toFixed(1)} s (${(total / r.seconds).toFixed(1)}/s)`;
    return {
      notes: [
        `fleet (${provider.label}): ${options.stages} Stages in ${
          options.repos
        } repositories (${perRepo} per repository, each Stage its own env/<stage>/values.yaml on main), ${
          options.perStage
        } Promotions per Stage created at once, round by round (every Stage's first, then every second, ...), to Freight 1.0.1 ... ${lastTag} in turn; the engine's creates took ${batch.createSeconds.toFixed(
          1,
        )} s of its ${batch.seconds.toFixed(1)} s; promote.sh ran ${rate(
          before,
        )} before the engine and ${rate(
          after,
        )} after it; main ended with ${commits.join(
          ', ',
        )} commits in the repositories (the engine's ${
          options.repos
        }, then promote.sh's before and after it)`,
        `fleet (${provider.label}): finish seen when the engine reports the final phase committed (PromotionRunner's onEnded); latency is per Promotion from its PromotionService.create call; for promote.sh from the pool's start (every job queued then) to the job's exit`,
        `fleet (${provider.label}): pushes repeated because the branch moved: engine ${ourRepeats} (git-push pushes first and integrates only when refused, and rebases first when this backend pushed the branch since its clone), promote.sh ${before.rejectedPushes} and ${after.rejectedPushes} (${options.concurrency} independent jobs: pull --rebase, push again)`,
        `fleet (${provider.label}): RSS after gc ${rssBefore.toFixed(
          0,
        )} MiB with the engine started and the project applied, ${rssAfter.toFixed(
          0,
        )} MiB after the ${total} Promotions (the git HTTP server runs in a process of its own)`,
        ...engineNotes,
      ],
      figure: {
        id: 'promotion-fleet',
        title: `${total} Promotions over ${options.stages} Stages (${options.repos} GitOps repositories × ${perRepo} Stages, ${options.perStage} per Stage queued at once, concurrency ${options.concurrency})`,
        database: provider.label,
        stats: [
          {
            label: 'Promotions/s',
            unit: 'per s',
            ours: ratePerSecond,
            baseline: scriptRate,
            higherIsBetter: true,
          },
          {
            label: 'p50, creation → Succeeded',
            unit: 'ms',
            ours: percentile(batch.latencies, 50),
            baseline: percentile(shell.latencies, 50),
          },
          {
            label: 'p99, creation → Succeeded',
            unit: 'ms',
            ours: percentile(batch.latencies, 99),
            baseline: percentile(shell.latencies, 99),
          },
          {
            label: 'RSS after gc',
            unit: 'MiB',
            ours: rssAfter,
            baseline: rssBefore,
          },
        ],
        baseline: `the raw git rate: the same ${total} jobs run by bench/promotions/promote.sh, ${
          options.concurrency
        } at once (a Stage's jobs one at a time, in order), against an identical set of ${
          options.repos
        } repositories on the same server, all queued at the start; run once before and once after the engine, each on fresh copies, and pooled (Promotions/s: ${
          2 * total
        } jobs ÷ the two runs' time; percentiles over both runs' ${
          2 * total
        } jobs); RSS: the same process after gc with the engine started and the project applied, before the Promotions`,
      },
    };
  } finally {
    await engine?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
