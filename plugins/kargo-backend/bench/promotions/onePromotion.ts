/**
 * Figure: one Promotion of a small GitOps repository over `git http-backend`
 * (git-clone, yaml-update, git-commit, git-push), end to end, against
 * promote.sh doing the same with git and sed. The two alternate (and swap
 * who goes first every repetition) on the same repository, each editing its
 * own values file, so both see the same history and the same server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchGitRepos } from '../discovery/gitRepos';
import type { DatabaseProvider } from '../databases';
import { max, percentile } from '../measure';
import {
  enginePromotionNotes,
  EngineSide,
  openEngine,
  promoteBatch,
  readPromotions,
} from './enginePromotions';
import {
  freightOf,
  projectYaml,
  SCRIPT_STAGE,
  SOLO_STAGE,
  stagesNotAt,
  valuesPath,
} from './layout';
import { runPromoteScript, scriptEnv } from './shellPromotions';
import type { Log, PromotionFigure } from './types';

export type OnePromotionOptions = { warmups: number; reps: number };

const PROJECT = 'solo';
const TARGET_RATIO = 1.25;
/** kargo.promotions.concurrency's default (one Promotion runs here anyway). */
const ENGINE_CONCURRENCY = 4;

export async function onePromotionFigure(
  provider: DatabaseProvider,
  repos: BenchGitRepos,
  options: OnePromotionOptions,
  log: Log,
): Promise<{ figure: PromotionFigure; notes: string[] }> {
  const total = options.warmups + options.reps;
  const scratch = await mkdtemp(join(tmpdir(), 'kargo-bench-promote-'));
  let engine: EngineSide | undefined;
  try {
    engine = await openEngine(
      provider,
      'one_promotion',
      projectYaml(
        PROJECT,
        [{ stage: SOLO_STAGE, repoURL: repos.mainURL }],
        total,
      ),
      ENGINE_CONCURRENCY,
    );
    const env = scriptEnv(join(scratch, 'home'));
    log(
      `one promotion: ${total} reps (${options.warmups} warm-up), engine and promote.sh alternating`,
    );
    const ours: number[] = [];
    const script: number[] = [];
    const failures: string[] = [];
    // HTTP requests each side makes to the git server (one runs at a time).
    const requests = { ours: [] as number[], script: [] as number[] };
    const measuredNames = new Map<string, number>();
    const counted = async <T>(into: number[], run: () => Promise<T>) => {
      const before = await repos.server.requestCount();
      const result = await run();
      into.push((await repos.server.requestCount()) - before);
      return result;
    };
    for (let i = 1; i <= total; i++) {
      const f = freightOf(i);
      const runOurs = async () => {
        const batch = await counted(requests.ours, () =>
          promoteBatch(
            engine!,
            PROJECT,
            [{ stage: SOLO_STAGE, freight: f.name }],
            { timeoutMs: 60_000 },
          ),
        );
        failures.push(...batch.failures);
        if (i > options.warmups) {
          measuredNames.set(batch.names[0], batch.latencies[0]);
        }
        return batch.latencies[0];
      };
      const runScript = async () =>
        (
          await counted(requests.script, () =>
            runPromoteScript(
              {
                repoURL: repos.mainURL,
                stage: SCRIPT_STAGE,
                file: valuesPath(SCRIPT_STAGE),
                tag: f.tag,
              },
              join(scratch, `rep-${i}`),
              env,
            ),
          )
        ).ms;
      let a: number;
      let b: number;
      if (i % 2) {
        a = await runOurs();
        b = await runScript();
      } else {
        b = await runScript();
        a = await runOurs();
      }
      if (failures.length) break;
      if (i > options.warmups) {
        ours.push(a);
        script.push(b);
      }
    }
    if (failures.length) {
      throw new Error(`a Promotion did not succeed: ${failures[0]}`);
    }
    const last = freightOf(total).tag;
    const wrong = stagesNotAt(repos.mainDir, [SOLO_STAGE, SCRIPT_STAGE], last);
    if (wrong.length) {
      throw new Error(
        `the values files of ${wrong.join(', ')} are not at ${last}`,
      );
    }
    const promotions = await readPromotions(engine.knex, PROJECT);
    // End to end minus the steps: creation, claim, status writes.
    const outside = [...measuredNames].map(
      ([name, ms]) =>
        ms -
        promotions.get(name)!.steps.reduce((sum, step) => sum + step.ms, 0),
    );
    const median = percentile(ours, 50);
    const medianScript = percentile(script, 50);
    const list = (v: number[]) => v.map(x => x.toFixed(0)).join(', ');
    return {
      notes: [
        `one promotion: ${options.reps} measured reps after ${
          options.warmups
        } warm-ups on a fresh SQLite file; per rep (ms): engine ${list(
          ours,
        )}; promote.sh ${list(script)}`,
        `one promotion: engine time outside its steps (creation → Succeeded minus the steps' durations: PromotionService.create, the engine's claim, status writes between steps, the final transaction), median ${percentile(
          outside,
          50,
        ).toFixed(0)} ms`,
        ...enginePromotionNotes(
          'one promotion',
          [...promotions.values()],
          engine,
        ),
      ],
      figure: {
        id: 'one-promotion',
        title: `One Promotion, git-clone → yaml-update → git-commit → git-push over git http-backend (${options.reps} reps)`,
        database: 'SQLite',
        stats: [
          {
            label: 'median, creation → Succeeded',
            unit: 'ms',
            ours: median,
            baseline: medianScript,
            target: {
              text: `≤ ${TARGET_RATIO}× baseline`,
              met: median <= TARGET_RATIO * medianScript,
            },
          },
          {
            label: 'p90',
            unit: 'ms',
            ours: percentile(ours, 90),
            baseline: percentile(script, 90),
          },
          { label: 'max', unit: 'ms', ours: max(ours), baseline: max(script) },
          {
            label: 'git HTTP requests per promotion (median)',
            unit: 'count',
            ours: percentile(requests.ours, 50),
            baseline: percentile(requests.script, 50),
          },
        ],
        baseline:
          'bench/promotions/promote.sh (bash: `git clone --branch main` of the whole repository, `sed -i` of the tag line, `git add --all`, `git commit`, `git push`; `git pull --rebase` and push again if rejected) on the same repository and server, spawned from Node and timed from spawn to exit, alternating with the engine rep by rep',
      },
    };
  } finally {
    await engine?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
