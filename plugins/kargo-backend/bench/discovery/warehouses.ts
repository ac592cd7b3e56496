/**
 * Figure: 1,000 Warehouses on one instance. The Warehouses (one Git
 * subscription each, to one of a few repositories over smart HTTP) are loaded
 * into SQLite through the store, then a real WarehouseReconciler wired as
 * startWarehouseDiscovery wires it (DatabaseDiscoveryQueue, WarehouseDiscoverer
 * over createSubscriptionDiscoverers, ManifestApplier) ticks until every
 * Warehouse has been checked once. Baseline: as many `git ls-remote`
 * processes, one after the other.
 */
import { KARGO_API_VERSION } from '@kargo-backstage/plugin-kargo-common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DatabaseDiscoveryQueue,
  DatabaseKargoStore,
  DiscoveryQueue,
} from '../../src/database';
import { ManifestApplier } from '../../src/manifests';
import { createSubscriptionDiscoverers } from '../../src/warehouses/discoverers';
import { evaluateFreightCriteria } from '../../src/warehouses/freightCriteria';
import { WarehouseDiscoverer } from '../../src/warehouses/WarehouseDiscoverer';
import { WarehouseReconciler } from '../../src/warehouses/WarehouseReconciler';
import { countingLogger } from '../countingLogger';
import type { DatabaseProvider } from '../databases';
import type { FigureStat } from '../figures';
import { toStoreItem } from '../fixtures';
import { now, percentile, rssAfterGc } from '../measure';
import { spawnTimed } from './spawnTimed';
import type { DiscoveryFigure, Log } from './types';

export type WarehouseOptions = {
  warehouses: number;
  projects: number;
  concurrencies: number[];
  /** Each reconciler run is stopped after this long (partial figures). */
  budgetMs: number;
};

const MiB = 1024 * 1024;
/** Production ticks every 2 s (startWarehouseDiscovery's scheduler task). */
const PRODUCTION_TICK_MS = 2000;
/** The harness ticks when a slot frees, and at least this often. */
const POLL_MS = 50;

function warehouseManifests(options: WarehouseOptions, repoURLs: string[]) {
  const perProject = Math.ceil(options.warehouses / options.projects);
  const manifests = [];
  for (let p = 0; p < options.projects; p++) {
    manifests.push({
      apiVersion: KARGO_API_VERSION,
      kind: 'Project',
      metadata: { name: `fleet-${String(p).padStart(2, '0')}` },
    });
  }
  for (let i = 0; i < options.warehouses; i++) {
    manifests.push({
      apiVersion: KARGO_API_VERSION,
      kind: 'Warehouse',
      metadata: {
        name: `svc-${String(i).padStart(4, '0')}`,
        namespace: `fleet-${String(Math.floor(i / perProject)).padStart(
          2,
          '0',
        )}`,
      },
      spec: {
        interval: '5m0s',
        subscriptions: [
          {
            git: {
              repoURL: repoURLs[i % repoURLs.length],
              branch: 'main',
              commitSelectionStrategy: 'NewestFromBranch',
              discoveryLimit: 20,
            },
          },
        ],
      },
    });
  }
  return manifests.map(m => toStoreItem(m as never));
}

type RunOutcome = {
  concurrency: number;
  seconds: number;
  checked: number;
  withArtifacts: number;
  freight: number;
  failedChecks: number;
  rssMiB: number;
  ticks: number;
  partial: boolean;
  logErrors: string[];
};

async function runReconciler(
  provider: DatabaseProvider,
  items: ReturnType<typeof warehouseManifests>,
  total: number,
  concurrency: number,
  budgetMs: number,
  log: Log,
): Promise<RunOutcome> {
  const db = await provider.open(`warehouses_c${concurrency}`);
  const workDir = await mkdtemp(join(tmpdir(), 'kargo-bench-discovery-'));
  try {
    const store = await DatabaseKargoStore.create({
      database: { getClient: async () => db.knex },
    });
    const loadStart = now();
    await store.transaction(async tx => {
      for (const item of items) {
        await tx.createResource(item.key, item.content, item.status);
      }
    });
    log(
      `concurrency ${concurrency}: loaded ${total} Warehouses in ${(
        (now() - loadStart) /
        1000
      ).toFixed(1)} s; reconciling`,
    );

    // The real queue, with a wake-up for the harness when a slot frees.
    const inner = new DatabaseDiscoveryQueue(db.knex);
    const checked = new Set<string>();
    let failedChecks = 0;
    const waker = { wake: () => {} };
    const queue: DiscoveryQueue = {
      claimDue: o => inner.claimDue(o),
      renew: (c, o, l) => inner.renew(c, o, l),
      complete: async (claim, owner, outcome) => {
        await inner.complete(claim, owner, outcome);
        checked.add(`${claim.project}/${claim.name}`);
        if (outcome.failed) failedChecks++;
        // After the reconciler has let go of the slot (a later macrotask).
        setImmediate(() => waker.wake());
      },
      requestRefresh: (p, n) => inner.requestRefresh(p, n),
      prune: () => inner.prune(),
      nextCheckAt: (p, n) => inner.nextCheckAt(p, n),
    };
    const { logger, errors } = countingLogger();
    const reconciler = new WarehouseReconciler({
      store,
      queue,
      applier: new ManifestApplier(store),
      discoverer: new WarehouseDiscoverer(
        createSubscriptionDiscoverers({ workDir, requestsPerSecond: 20 }),
        () => undefined,
      ),
      credentials: { lookup: async () => undefined },
      criteria: evaluateFreightCriteria,
      logger,
      owner: `bench:${process.pid}:c${concurrency}`,
      minIntervalMs: 300_000,
      concurrency,
      timeoutMs: 60_000,
    });

    /** Until a discovery completes, or POLL_MS at most. */
    const slotOrPoll = () =>
      new Promise<void>(resolve => {
        const timer = setTimeout(resolve, POLL_MS);
        waker.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const start = now();
    let ticks = 0;
    let lastLog = start;
    while (checked.size < total && now() - start < budgetMs) {
      ticks++;
      await reconciler.tick();
      await slotOrPoll();
      if (now() - lastLog > 15_000) {
        lastLog = now();
        log(`concurrency ${concurrency}: ${checked.size}/${total} checked`);
      }
    }
    const partial = checked.size < total;
    await reconciler.idle();
    const seconds = (now() - start) / 1000;

    const rows: Array<{ status: string }> = await db
      .knex('kargo_resources')
      .where('kind', 'Warehouse')
      .select('status');
    const withArtifacts = rows.filter(
      r => JSON.parse(r.status).discoveredArtifacts,
    ).length;
    const [{ count }] = await db
      .knex('kargo_resources')
      .where('kind', 'Freight')
      .count({ count: '*' });
    return {
      concurrency,
      seconds,
      checked: checked.size,
      withArtifacts,
      freight: Number(count),
      failedChecks,
      rssMiB: rssAfterGc() / MiB,
      ticks,
      partial,
      logErrors: errors,
    };
  } finally {
    await db.dispose();
    await rm(workDir, { recursive: true, force: true });
  }
}

export async function warehouseFigure(
  provider: DatabaseProvider,
  repoURLs: string[],
  options: WarehouseOptions,
  log: Log,
): Promise<{ figure: DiscoveryFigure; notes: string[] }> {
  const total = options.warehouses;
  const items = warehouseManifests(options, repoURLs);
  const rssBefore = rssAfterGc() / MiB;

  // Baseline: one `git ls-remote` per Warehouse, one after the other.
  log(`baseline: ${total} git ls-remote processes, serially`);
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  const lsStart = now();
  const lsTimes: number[] = [];
  for (let i = 0; i < total; i++) {
    const url = repoURLs[i % repoURLs.length];
    lsTimes.push(
      (await spawnTimed('git', ['ls-remote', url, 'refs/heads/main'], { env }))
        .ms,
    );
  }
  const baselineSeconds = (now() - lsStart) / 1000;

  const runs: RunOutcome[] = [];
  for (const concurrency of options.concurrencies) {
    runs.push(
      await runReconciler(
        provider,
        items,
        total,
        concurrency,
        options.budgetMs,
        log,
      ),
    );
  }

  const stats: FigureStat[] = [];
  const notes: string[] = [
    `fleet: ${total} Warehouses in ${options.projects} Projects, each with one Git subscription (NewestFromBranch, main, discoveryLimit 20) to one of ${repoURLs.length} bare copies of the Git fixture repository (Warehouse i → copy i mod ${repoURLs.length}), served over smart HTTP; loaded into a fresh SQLite file per run through DatabaseKargoStore.createResource (validated like the API); a fresh discovery workDir (Git caches) per run`,
    `reconciler: the harness calls tick() whenever a discovery completes (and every ${POLL_MS} ms), so the figure is the reconciler's own throughput; production ticks every ${
      PRODUCTION_TICK_MS / 1000
    } s (startWarehouseDiscovery), which caps a first sweep at concurrency ÷ 2 s = ${options.concurrencies
      .map(c => `${c / (PRODUCTION_TICK_MS / 1000)}/s (${c})`)
      .join(', ')} however fast discovery is`,
    `baseline: ${total} serial \`git ls-remote\`: ${baselineSeconds.toFixed(
      1,
    )} s, p50 ${percentile(lsTimes, 50).toFixed(1)} ms each`,
    `backend RSS after gc before loading anything: ${rssBefore.toFixed(0)} MiB`,
  ];
  for (const run of runs) {
    const perSecond = run.checked / run.seconds;
    const label = `concurrency ${run.concurrency}`;
    stats.push(
      {
        label: `${label}: wall time${run.partial ? ' (PARTIAL)' : ''}`,
        unit: 's',
        ours: run.seconds,
        baseline: baselineSeconds,
      },
      {
        label: `${label}: Warehouses/s`,
        unit: 'per s',
        ours: perSecond,
        baseline: total / baselineSeconds,
        higherIsBetter: true,
      },
      {
        label: `${label}: RSS after gc`,
        unit: 'MiB',
        ours: run.rssMiB,
        baseline: rssBefore,
      },
    );
    notes.push(
      `${label}: ${run.checked}/${total} checked${
        run.partial
          ? ` — STOPPED after the ${options.budgetMs / 1000} s budget`
          : ''
      } in ${run.seconds.toFixed(1)} s (${perSecond.toFixed(1)}/s), ${
        run.withArtifacts
      } with status.discoveredArtifacts, ${run.freight} Freight created, ${
        run.failedChecks
      } failed checks, ${run.ticks} ticks; RSS after gc ${run.rssMiB.toFixed(
        0,
      )} MiB${
        run.logErrors.length ? `; errors: ${run.logErrors.join(' | ')}` : ''
      }`,
    );
  }
  return {
    notes,
    figure: {
      id: 'warehouses',
      title: `${total.toLocaleString(
        'en',
      )} Warehouses, first check of each (Git over HTTP, ${
        repoURLs.length
      } repositories, SQLite file)`,
      database: 'SQLite',
      stats,
      baseline: `the same number of \`git ls-remote <url> refs/heads/main\` processes spawned one after the other (the least any check of a Git Warehouse costs, with no parallelism; a first check must also fetch and read the history, so it cannot match this per Warehouse — concurrency is what can win it back). RSS: the same process after gc before the Warehouses were loaded`,
    },
  };
}
