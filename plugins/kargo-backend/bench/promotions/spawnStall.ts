/**
 * Figure: how long starting one command stalls this process's event loop,
 * at the RSS it has after the Promotions (git-clone, git-commit and git-push
 * start several commands each). Ours: SpawnHelper.launch, which only sends
 * a message to the helper process; baseline: Node's child_process.spawn,
 * which forks this whole process on the event loop's thread first.
 */
import { spawn } from 'node:child_process';
import { SpawnHelper } from '../../src/process/spawnHelper';
import { now, percentile } from '../measure';
import type { PromotionFigure } from './types';

const MiB = 1024 * 1024;

/** Starts `git --version` and answers [event-loop stall, time to exit]. */
type Start = () => Promise<[number, number]>;

const direct: Start = () =>
  new Promise((resolve, reject) => {
    const start = now();
    const child = spawn('git', ['--version'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stall = now() - start;
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', () => resolve([stall, now() - start]));
  });

const viaHelper =
  (helper: SpawnHelper): Start =>
  () =>
    new Promise((resolve, reject) => {
      const start = now();
      let stall = 0;
      helper.launch(
        {
          command: 'git',
          args: ['--version'],
          cwd: process.cwd(),
          env: { PATH: process.env.PATH ?? '' },
        },
        {
          stdout: () => undefined,
          stderr: () => undefined,
          error: reject,
          close: () => resolve([stall, now() - start]),
        },
      );
      stall = now() - start;
    });

export async function spawnStallFigure(
  database: string,
  reps: number,
): Promise<{ figure: PromotionFigure; notes: string[] }> {
  const helper = new SpawnHelper();
  const ours: Array<[number, number]> = [];
  const theirs: Array<[number, number]> = [];
  await viaHelper(helper)(); // starts the helper itself
  for (let i = 0; i < reps; i++) {
    // Alternating, so both see the same heap.
    ours.push(await viaHelper(helper)());
    theirs.push(await direct());
  }
  const rss = process.memoryUsage().rss / MiB;
  const p50 = (runs: Array<[number, number]>, i: 0 | 1) =>
    percentile(
      runs.map(r => r[i]),
      50,
    );
  return {
    notes: [
      `command start (${database}): ${reps} × \`git --version\` each way, alternating, at this process's RSS of ${rss.toFixed(
        0,
      )} MiB after the Promotions; the helper's own RSS is about 40 MiB`,
    ],
    figure: {
      id: 'spawn-stall',
      title: `Starting one command (git --version) from the backend process at ${rss.toFixed(
        0,
      )} MiB RSS (${reps} reps)`,
      database,
      stats: [
        {
          label: 'event loop blocked per start (p50)',
          unit: 'ms',
          ours: p50(ours, 0),
          baseline: p50(theirs, 0),
        },
        {
          label: 'start → exit (p50)',
          unit: 'ms',
          ours: p50(ours, 1),
          baseline: p50(theirs, 1),
        },
      ],
      baseline:
        "Node's child_process.spawn from the same process (it forks the whole process on the event loop's thread; nodejs/node#14917), alternating with the helper",
    },
  };
}
