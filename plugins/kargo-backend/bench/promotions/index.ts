/**
 * The "Promotions" section, run once per database in a process of its own:
 * many Promotions over many Stages on this database, then (when asked: on
 * SQLite) one Promotion end to end, both against promote.sh doing the same
 * with git and sed on the same machine, over the same `git http-backend`.
 * Missing tools are skipped with the reason (the caller makes that loud, and
 * a failure under CI=true); a figure that goes wrong is a failure.
 */
import type { DatabaseProvider } from '../databases';
import { startGitRepos } from '../discovery/gitRepos';
import { hasCommand } from '../discovery/spawnTimed';
import { now } from '../measure';
import { gitopsHistory } from './layout';
import { OnePromotionOptions, onePromotionFigure } from './onePromotion';
import {
  fleetCopies,
  FleetOptions,
  promotionFleetFigure,
} from './promotionFleet';
import { spawnStallFigure } from './spawnStall';
import type { Log, PromotionsResult } from './types';

const SPAWN_STALL_REPS = 30;

export type PromotionsOptions = {
  one: OnePromotionOptions;
  fleet: FleetOptions;
  /** Commits of the GitOps repositories' history before the benchmark. */
  historyCommits: number;
};

/** For the report's "what runs". */
export function promotionsDescription(o: PromotionsOptions): string[] {
  return [
    "Our side: the promotion engine wired as the plugin wires it (createEngineHarness: DatabaseKargoStore, DatabasePromotionQueue, PromotionRunner with the built-in steps and Kargo's expressions, PromotionEngine, PromotionService), in the benchmark's own Node process on a fresh database; Promotions are created with PromotionService.create, which wakes the engine as the API does, and the engine also gets the scheduler's 2-second tick; a finish is seen when the engine reports a Promotion's final phase committed (PromotionRunner's onEnded, as the plugin's notifications hear it), then every Promotion's status.phase is read and must be Succeeded",
    `Each Stage's steps: git-clone (one checkout of main: a clone of the whole repository straight into it), yaml-update of image.tag in its env/<stage>/values.yaml to the Freight's tag, git-commit, git-push (which pushes first and fetches and rebases only when the branch moved); Freight are stored as manifests (no Warehouse discovery runs)`,
    `GitOps repositories: ${o.historyCommits} commits of history, one values file for each Stage, served over smart HTTP by the tests' server (node http → \`git http-backend\` CGI per request, pushes allowed) on 127.0.0.1, in a Node process of its own (as a real Git host never shares the backend's event loop); every database process builds its own`,
    `One Promotion (SQLite only): ${o.one.warmups} warm-up and ${o.one.reps} measured repetitions, the engine and promote.sh alternating (who goes first swaps every repetition) on the same repository, each editing its own values file; the engine's time runs from the PromotionService.create call until the final phase is committed`,
    `Many Promotions: ${o.fleet.stages} Stages over ${o.fleet.repos} repositories, ${o.fleet.perStage} Promotions per Stage created at once (a Stage runs its Promotions one at a time, in creation order), engine concurrency ${o.fleet.concurrency}; promote.sh runs the same jobs with ${o.fleet.concurrency} workers (a Stage's jobs one at a time, in order) on fresh copies of the repositories, once before and once after the engine; RSS is the benchmark process's after two forced GCs`,
    'Baseline: bench/promotions/promote.sh, run with bash: `git clone --branch main` (whole repository, as git-clone), `sed -i` of the tag line, `git add --all`, `git commit`, `git push`, and on a rejected push `git pull --rebase` and push again (at most 10 times); timed from spawn to exit',
  ];
}

export async function runPromotions(
  provider: DatabaseProvider,
  options: PromotionsOptions,
  figures: { onePromotion: boolean },
  log: Log,
): Promise<PromotionsResult> {
  const started = now();
  const result: PromotionsResult = {
    database: provider.label,
    version: await provider.version(),
    figures: [],
    notes: [],
    skipped: [],
    failures: [],
    seconds: 0,
  };
  const missing: string[] = [];
  for (const command of ['git', 'bash', 'sed']) {
    if (!(await hasCommand(command))) missing.push(command);
  }
  if (missing.length) {
    result.skipped.push(
      `promotions on ${provider.label}: ${missing.join(', ')} not installed`,
    );
    result.seconds = (now() - started) / 1000;
    return result;
  }

  const { fleet } = options;
  log(
    `building GitOps repositories: ${fleet.repos} for the engine, 2 × ${fleet.repos} for promote.sh, one for the single promotion`,
  );
  const repos = await startGitRepos({
    name: 'gitops',
    commits: options.historyCommits,
    copies: fleetCopies(fleet),
    commit: gitopsHistory(fleet.stages),
    allowPush: true,
  });
  const attempt = async (
    name: string,
    figure: () => Promise<{
      figure: PromotionsResult['figures'][number];
      notes: string[];
    }>,
  ) => {
    try {
      const done = await figure();
      result.figures.push(done.figure);
      result.notes.push(...done.notes);
    } catch (error) {
      result.failures.push(
        `${name} on ${provider.label}: ${(error as Error).message}`,
      );
    }
  };
  try {
    // The fleet first, so its RSS readings are not those of a process that
    // has already run the single-promotion figure.
    await attempt('many Promotions', () =>
      promotionFleetFigure(provider, repos, fleet, log),
    );
    // At the RSS the Promotions left, as a backend that has been working.
    await attempt('command start', () =>
      spawnStallFigure(provider.label, SPAWN_STALL_REPS),
    );
    if (figures.onePromotion) {
      await attempt('one Promotion', () =>
        onePromotionFigure(provider, repos, options.one, log),
      );
    }
  } finally {
    await repos.close();
  }
  result.seconds = (now() - started) / 1000;
  return result;
}
