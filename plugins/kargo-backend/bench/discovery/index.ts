/**
 * The "Warehouse discovery" section, run once per benchmark (not per
 * database) in a process of its own: image discovery on a real registry, the
 * re-check of an unchanged Git repository, 1,000 Warehouses through a real
 * reconciler, and push-to-Freight latency through a registry notification.
 * A figure whose tool or server is missing is skipped with the reason (the
 * caller makes that loud, and a failure under CI=true).
 */
import { sqliteProvider } from '../databases';
import { now } from '../measure';
import { startGitRepos } from './gitRepos';
import { gitRecheckFigure } from './gitRecheck';
import { imageFigure } from './images';
import { PushOptions, pushToFreightFigure } from './pushToFreight';
import { benchRegistry } from './registry';
import { hasCommand } from './spawnTimed';
import type { DiscoveryResult, Log } from './types';
import { warehouseFigure } from './warehouses';

export type DiscoveryOptions = {
  imageReps: number;
  gitCommits: number;
  gitRechecks: number;
  gitRepos: number;
  warehouses: number;
  projects: number;
  concurrencies: number[];
  /** Per reconciler run; the figure is reported as partial beyond it. */
  reconcilerBudgetMs: number;
  push: PushOptions;
};

export async function runDiscovery(
  options: DiscoveryOptions,
  log: Log,
): Promise<DiscoveryResult> {
  const started = now();
  const result: DiscoveryResult = {
    figures: [],
    notes: [],
    skipped: [],
    seconds: 0,
  };

  // ---- Image discovery on a real registry.
  if (!(await hasCommand('curl'))) {
    result.skipped.push(
      'image discovery: curl (the baseline) is not installed',
    );
  } else {
    const registry = await benchRegistry();
    if ('unavailable' in registry) {
      result.skipped.push(
        `image discovery: no registry (${registry.unavailable}); run \`npm run servers\``,
      );
    } else {
      try {
        log(`image discovery on ${registry.host}`);
        const images = await imageFigure(
          registry.host,
          registry.description,
          { reps: options.imageReps },
          log,
        );
        result.figures.push(images.figure);
        result.notes.push(...images.notes);
      } finally {
        await registry.stop();
      }
    }
  }

  // ---- Git: one repository with history and copies of it, over HTTP.
  if (!(await hasCommand('git'))) {
    result.skipped.push(
      'Git re-check and 1,000 Warehouses: git is not installed',
    );
  } else {
    log(
      `building a ${options.gitCommits}-commit repository and ${options.gitRepos} copies`,
    );
    const repos = await startGitRepos({
      commits: options.gitCommits,
      copies: options.gitRepos,
    });
    try {
      const recheck = await gitRecheckFigure(
        repos.mainURL,
        repos.commits,
        { rechecks: options.gitRechecks },
        log,
      );
      result.figures.push(recheck.figure);
      result.notes.push(...recheck.notes);

      const provider = sqliteProvider();
      try {
        const fleet = await warehouseFigure(
          provider,
          repos.copyURLs,
          {
            warehouses: options.warehouses,
            projects: options.projects,
            concurrencies: options.concurrencies,
            budgetMs: options.reconcilerBudgetMs,
          },
          log,
        );
        result.figures.push(fleet.figure);
        result.notes.push(...fleet.notes);
      } finally {
        await provider.close();
      }
    } finally {
      await repos.close();
    }
  }

  // ---- Push-to-Freight through a registry notification (own registries).
  // Last: it starts a whole backend in this process, which would weigh on
  // the RSS and throughput of the figures after it.
  if (!(await hasCommand('docker-registry'))) {
    result.skipped.push(
      'push-to-Freight latency: docker-registry is not installed (a registry with notifications is needed; run `npm run servers`)',
    );
  } else {
    const provider = sqliteProvider();
    try {
      const push = await pushToFreightFigure(provider, options.push, log);
      result.figures.push(push.figure);
      result.notes.push(...push.notes);
    } finally {
      await provider.close();
    }
  }

  result.seconds = (now() - started) / 1000;
  return result;
}
