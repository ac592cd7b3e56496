/**
 * Figure: re-checking an unchanged Git repository with GitDiscoverer
 * (`previous` set to the last result), against a raw `git ls-remote`.
 * Counts the git processes of every re-check through an injected runner.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGitProcessRunner,
  GitDiscoverer,
  GitRunner,
} from '../../src/warehouses/discovery/git';
import type { CredentialsProvider } from '../../src/warehouses/discovery/types';
import { now, percentile } from '../measure';
import { spawnTimed } from './spawnTimed';
import type { DiscoveryFigure, Log } from './types';

export type GitRecheckOptions = { rechecks: number };

const TARGET_MS = 20;
const anonymous: CredentialsProvider = { lookup: async () => undefined };

/** The git subcommand of an invocation (after the global `-c` options). */
export function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++;
    else return args[i];
  }
  return '?';
}

/** A runner that counts processes by subcommand. */
export function countingRunner() {
  const real = createGitProcessRunner();
  const counts = new Map<string, number>();
  let total = 0;
  const runner: GitRunner = invocation => {
    total++;
    const name = subcommand(invocation.args);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return real(invocation);
  };
  return {
    runner,
    total: () => total,
    summary: () =>
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${n} ${k}`)
        .join(', '),
    reset: () => counts.clear(),
  };
}

export async function gitRecheckFigure(
  repoURL: string,
  commits: number,
  options: GitRecheckOptions,
  log: Log,
): Promise<{ figure: DiscoveryFigure; notes: string[] }> {
  const workDir = await mkdtemp(join(tmpdir(), 'kargo-bench-git-'));
  try {
    const counter = countingRunner();
    const discoverer = new GitDiscoverer({ workDir, runner: counter.runner });
    const subscription = {
      repoURL,
      branch: 'main',
      commitSelectionStrategy: 'NewestFromBranch' as const,
      discoveryLimit: 20,
    };

    const firstStart = now();
    let previous = await discoverer.discover(subscription, {
      credentials: anonymous,
    });
    const firstMs = now() - firstStart;
    const firstProcesses = counter.total();
    const firstSummary = counter.summary();
    if (previous.commits.length !== 20 || !previous.observedRefs) {
      throw new Error(
        `first discovery found ${previous.commits.length} commits`,
      );
    }

    const baselineArgs = ['ls-remote', repoURL, 'refs/heads/main'];
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
    for (let i = 0; i < 3; i++) {
      // warm-up
      previous = await discoverer.discover(subscription, {
        credentials: anonymous,
        previous,
      });
      await spawnTimed('git', baselineArgs, { env });
    }

    log(`git re-check: ${options.rechecks} re-checks and ls-remotes`);
    counter.reset();
    const ours: number[] = [];
    const raw: number[] = [];
    const perRecheck: number[] = [];
    for (let i = 0; i < options.rechecks; i++) {
      const before = counter.total();
      const start = now();
      const result = await discoverer.discover(subscription, {
        credentials: anonymous,
        previous,
      });
      ours.push(now() - start);
      perRecheck.push(counter.total() - before);
      if (result.commits !== previous.commits) {
        throw new Error(`re-check ${i} did not reuse the previous commits`);
      }
      previous = result;
      const ls = await spawnTimed('git', baselineArgs, { env });
      if (!ls.stdout.startsWith(result.commits[0].id)) {
        throw new Error(`git ls-remote answered ${ls.stdout.slice(0, 80)}`);
      }
      raw.push(ls.ms);
    }
    const maxProcesses = Math.max(...perRecheck);
    const p50 = percentile(ours, 50);
    const p99 = percentile(ours, 99);
    return {
      notes: [
        `git repository: ${commits} commits on main, served over smart HTTP by the tests' server (node http → \`git http-backend\` CGI per request, in a Node process of its own) at ${repoURL}`,
        `first discovery (no previous result, empty cache): ${firstMs.toFixed(
          0,
        )} ms, ${firstProcesses} git processes (${firstSummary}); re-checks: ${counter.summary()} in ${
          options.rechecks
        }`,
      ],
      figure: {
        id: 'git-recheck',
        title: `Git re-check of an unchanged repository, NewestFromBranch (${options.rechecks} re-checks)`,
        database: '—',
        stats: [
          {
            label: 'p50',
            unit: 'ms',
            ours: p50,
            baseline: percentile(raw, 50),
          },
          {
            label: 'p99',
            unit: 'ms',
            ours: p99,
            baseline: percentile(raw, 99),
            target: { text: `< ${TARGET_MS} ms`, met: p99 < TARGET_MS },
          },
          {
            label: 'git processes per re-check',
            unit: 'count',
            ours: maxProcesses,
            oursText: `${maxProcesses} (max of ${options.rechecks})`,
            baseline: 1,
            target: { text: '1 process', met: maxProcesses === 1 },
          },
        ],
        baseline: `\`git ${baselineArgs
          .join(' ')
          .replace(
            repoURL,
            '<url>',
          )}\` spawned directly from Node, interleaved with the re-checks: the one process a re-check needs`,
      },
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
