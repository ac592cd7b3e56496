/* eslint-disable no-console */
/**
 * `npm run bench`: the Kargo backend benchmark.
 *
 *   npm run bench [-- --no-write]
 *     [-- --only sqlite|postgres|discovery|promotions|promotions-sqlite|promotions-postgres
 *                |stages|stages-sqlite|stages-postgres|portal]
 *
 * Runs each database in a child process of its own (fresh RSS, nothing shared),
 * then the database-independent Warehouse discovery section in another one,
 * then the promotions and Stages sections once per database and the portal
 * (the pipeline view in Chromium, e2e/portal.bench.mjs), again each in a child,
 * prints a table of every figure next to its baseline, and writes the same to
 * docs/benchmarks.md unless --no-write is given. PostgreSQL, the registry or
 * git are skipped loudly when missing, and that fails the run when CI=true;
 * a promotion figure that goes wrong fails the run.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BACKEND_DESCRIPTION } from './backend';
import {
  DatabaseKind,
  DatabaseProvider,
  postgresProvider,
  postgresUrl,
  sqliteProvider,
} from './databases';
import { DiscoveryOptions, runDiscovery } from './discovery';
import type { DiscoveryResult } from './discovery/types';
import { FIXTURE_DESCRIPTION } from './fixtures';
import { portalDescription, PortalResult, runPortal } from './portal';
import {
  PromotionsOptions,
  promotionsDescription,
  runPromotions,
} from './promotions';
import type { PromotionsResult } from './promotions/types';
import {
  FIGURE_HEADER,
  figureRows,
  HEADER,
  machine,
  markdown,
  promotionFigures,
  rows,
  textTable,
  titles,
} from './report';
import { DatabaseResult, RunOptions, runDatabase } from './run';
import {
  runStages,
  StagesOptions,
  stagesDescription,
  StagesResult,
} from './stages';

const OPTIONS: RunOptions = {
  applyCount: 1000,
  applyReps: 5,
  stages: 600,
  freight: 10_000,
  requests: 200,
  pageSize: 100,
};
const DISCOVERY_OPTIONS: DiscoveryOptions = {
  imageReps: 10,
  gitCommits: 200,
  gitRechecks: 50,
  gitRepos: 10,
  warehouses: 1000,
  projects: 10,
  concurrencies: [4, 16],
  reconcilerBudgetMs: 120_000,
  push: { pushes: 50, warmups: 3, perPushTimeoutMs: 10_000 },
};

const PROMOTIONS_OPTIONS: PromotionsOptions = {
  historyCommits: 5,
  one: { warmups: 3, reps: 15 },
  fleet: {
    stages: 50,
    repos: 5,
    perStage: 4,
    concurrency: 4, // kargo.promotions.concurrency's default
    budgetMs: 240_000,
  },
};

const STAGES_OPTIONS: StagesOptions = {
  warehouses: 50,
  freight: 5000,
  settleReps: 10,
  idleSeconds: 30,
  argocdReps: 20,
};

type ChildKind =
  | DatabaseKind
  | 'discovery'
  | 'promotions-sqlite'
  | 'promotions-postgres'
  | 'stages-sqlite'
  | 'stages-postgres'
  | 'portal';
const CHILD_KINDS: ChildKind[] = [
  'sqlite',
  'postgres',
  'discovery',
  'promotions-sqlite',
  'promotions-postgres',
  'stages-sqlite',
  'stages-postgres',
  'portal',
];
/** `--only` takes a child kind or a section (several children). */
const SECTIONS: Record<string, ChildKind[]> = {
  promotions: ['promotions-sqlite', 'promotions-postgres'],
  stages: ['stages-sqlite', 'stages-postgres'],
};

/** A child still running after this long is killed and the run fails. */
const CHILD_TIMEOUT_MS: Record<ChildKind, number> = {
  sqlite: 200_000,
  postgres: 200_000,
  // 2 reconciler budgets, the serial ls-remote baseline, images, Git, and
  // push-to-Freight (~60 s at most when healthy).
  discovery: 500_000,
  // promote.sh's 200 jobs twice, the engine's (240 s budget), and on SQLite
  // the single Promotion's 2 × 18 reps (~2-4 minutes in all when healthy).
  'promotions-sqlite': 700_000,
  'promotions-postgres': 600_000,
  // Fixture load and first settle, 10 settles, 2 × 30 s idle (~2-4 minutes).
  'stages-sqlite': 600_000,
  'stages-postgres': 600_000,
  // The app's production build (~90 s), the portal, two projects (~1 min).
  portal: 1_000_000,
};
const DOC = resolve(__dirname, '../../../docs/benchmarks.md');

type ChildMessage =
  | { type: 'log'; line: string }
  | { type: 'result'; result: DatabaseResult }
  | { type: 'discovery'; result: DiscoveryResult }
  | { type: 'promotions'; result: PromotionsResult }
  | { type: 'stages'; result: StagesResult }
  | { type: 'portal'; result: PortalResult }
  | { type: 'unavailable'; reason: string };

const redact = (url: string) =>
  url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** In the child: run one database (or discovery) and report over IPC. */
async function child(kind: ChildKind) {
  const send = (m: ChildMessage) =>
    new Promise<void>(done => process.send!(m, () => done()));
  if (kind === 'portal') {
    const result = await runPortal(line => send({ type: 'log', line }));
    await send({ type: 'portal', result });
    return;
  }
  if (kind === 'discovery') {
    const result = await runDiscovery(DISCOVERY_OPTIONS, line => {
      send({ type: 'log', line });
    });
    await send({ type: 'discovery', result });
    return;
  }
  const database: DatabaseKind = kind.endsWith('postgres')
    ? 'postgres'
    : 'sqlite';
  let provider: DatabaseProvider;
  if (database === 'postgres') {
    const url = postgresUrl();
    const pg = await postgresProvider(url);
    if ('unavailable' in pg) {
      await send({
        type: 'unavailable',
        reason: `${redact(url)}: ${pg.unavailable}`,
      });
      return;
    }
    provider = pg;
  } else {
    provider = sqliteProvider();
  }
  const log = (line: string) => {
    send({ type: 'log', line });
  };
  try {
    if (kind.startsWith('stages')) {
      const result = await runStages(provider, STAGES_OPTIONS, log);
      await send({ type: 'stages', result });
    } else if (kind.startsWith('promotions')) {
      const result = await runPromotions(
        provider,
        PROMOTIONS_OPTIONS,
        // One promotion end to end does not depend on the database: SQLite.
        { onePromotion: database === 'sqlite' },
        log,
      );
      await send({ type: 'promotions', result });
    } else {
      await send({
        type: 'result',
        result: await runDatabase(provider, OPTIONS, log),
      });
    }
  } finally {
    await provider.close();
  }
}

function runChild(kind: ChildKind): Promise<ChildMessage> {
  return new Promise((resolvePromise, reject) => {
    const proc = fork(__filename, ['--child', kind], {
      execArgv: process.execArgv, // the TypeScript transform and --expose-gc
      stdio: 'inherit',
    });
    let answer: ChildMessage | undefined;
    const timer = setTimeout(() => {
      console.error(
        `!!! ${kind}: no result after ${
          CHILD_TIMEOUT_MS[kind] / 1000
        } s, killing pid ${proc.pid}`,
      );
      proc.kill('SIGKILL');
    }, CHILD_TIMEOUT_MS[kind]);
    proc.on('message', (m: ChildMessage) => {
      if (m.type === 'log') console.log(`  [${kind}] ${m.line}`);
      else answer = m;
    });
    proc.on('exit', code => {
      clearTimeout(timer);
      if (answer && code === 0) resolvePromise(answer);
      else
        reject(new Error(`the ${kind} benchmark process exited with ${code}`));
    });
  });
}

function loud(lines: string[]) {
  const bar = '!'.repeat(78);
  console.error(['', bar, ...lines.map(l => `!!! ${l}`), bar, ''].join('\n'));
}

async function main() {
  const args = process.argv.slice(2);
  const childIndex = args.indexOf('--child');
  if (childIndex >= 0) {
    await child(args[childIndex + 1] as ChildKind);
    // Keep-alive sockets or pools must not hold the child open.
    process.exit(0);
  }
  const write = !args.includes('--no-write');
  const only = args.includes('--only')
    ? args[args.indexOf('--only') + 1]
    : undefined;
  const kinds = CHILD_KINDS.filter(
    k => !only || k === only || SECTIONS[only]?.includes(k),
  );
  if (!kinds.length) {
    console.error(
      `--only ${only}: not one of ${[...CHILD_KINDS, ...Object.keys(SECTIONS)]
        .sort()
        .join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  const ci = process.env.CI === 'true';

  const started = Date.now();
  const m = machine();
  console.log(`Kargo backend benchmark — ${m.date}`);
  console.log(`${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}`);
  console.log(`Backend: ${BACKEND_DESCRIPTION}\n`);

  const results: DatabaseResult[] = [];
  let discovery: DiscoveryResult | undefined;
  const promotions: PromotionsResult[] = [];
  const stages: StagesResult[] = [];
  const portal: PortalResult[] = [];
  const skipped: string[] = [];
  let failed = false;
  for (const kind of kinds) {
    console.log(`${kind}:`);
    let answer: ChildMessage | undefined;
    try {
      answer = await runChild(kind);
    } catch (error) {
      console.error(`!!! ${kind}: ${(error as Error).message}`);
      failed = true;
    }
    if (answer?.type === 'discovery') {
      discovery = answer.result;
      console.log(`  [${kind}] done in ${discovery.seconds.toFixed(0)} s`);
      if (discovery.skipped.length) {
        loud([
          ...discovery.skipped.map(s => `SKIPPED ${s}`),
          ci
            ? 'CI=true: a missing tool or server fails the run.'
            : 'With CI=true this fails the run.',
        ]);
        if (ci) failed = true;
      }
    } else if (
      answer?.type === 'promotions' ||
      answer?.type === 'stages' ||
      answer?.type === 'portal'
    ) {
      const p = answer.result;
      if (answer.type === 'stages') stages.push(answer.result);
      else if (answer.type === 'portal') portal.push(answer.result);
      else promotions.push(answer.result);
      console.log(`  [${kind}] done in ${p.seconds.toFixed(0)} s`);
      if (p.failures.length) {
        loud(p.failures.map(f => `FAILED ${f}`));
        failed = true;
      }
      if (p.skipped.length) {
        loud([
          ...p.skipped.map(s => `SKIPPED ${s}`),
          ci
            ? 'CI=true: a missing tool or server fails the run.'
            : 'With CI=true this fails the run.',
        ]);
        if (ci) failed = true;
      }
    } else if (answer?.type === 'unavailable' && kind !== 'postgres') {
      // The promotions or stages section on a PostgreSQL that is not there.
      (kind.startsWith('stages') ? stages : promotions).push({
        database: 'PostgreSQL',
        version: 'not reachable',
        figures: [],
        notes: [],
        skipped: [`${kind}: no server (${answer.reason})`],
        failures: [],
        seconds: 0,
      });
      loud([
        `PostgreSQL is NOT reachable: ${answer.reason}`,
        `The ${kind} figures are SKIPPED. Start it with \`npm run servers\``,
        'and run `npm run bench` again (or point KARGO_BENCH_POSTGRES_URL at a server).',
        ci
          ? 'CI=true: a missing PostgreSQL fails the run.'
          : 'With CI=true this fails the run.',
      ]);
      if (ci) failed = true;
    } else if (answer?.type === 'result') {
      results.push(answer.result);
      console.log(`  [${kind}] done in ${answer.result.seconds.toFixed(0)} s`);
    } else if (answer?.type === 'unavailable') {
      skipped.push(`PostgreSQL (no server reachable: ${answer.reason})`);
      loud([
        `PostgreSQL is NOT reachable: ${answer.reason}`,
        'Its figures are SKIPPED. Start it with `npm run servers` and run `npm run bench` again',
        '(or point KARGO_BENCH_POSTGRES_URL at a server).',
        ci
          ? 'CI=true: a missing PostgreSQL fails the run.'
          : 'With CI=true this fails the run.',
      ]);
      if (ci) failed = true;
    }
  }

  const totalSeconds = (Date.now() - started) / 1000;
  const table = results.length
    ? textTable(HEADER, rows(results, titles(OPTIONS)))
    : 'No database figures: no database run completed.';
  console.log(`\n${table}\n`);
  for (const r of results) {
    console.log(`${r.database}: ${r.version}`);
    for (const n of r.notes) console.log(`  - ${n}`);
  }
  if (results.length) {
    console.log('Fixtures:');
    for (const d of FIXTURE_DESCRIPTION) console.log(`  - ${d}`);
  }
  if (discovery) {
    console.log('\nWarehouse discovery:\n');
    console.log(
      discovery.figures.length
        ? textTable(FIGURE_HEADER, figureRows(discovery.figures))
        : 'No discovery figures.',
    );
    console.log('');
    for (const s of discovery.skipped) console.log(`  - SKIPPED: ${s}`);
    for (const n of discovery.notes) console.log(`  - ${n}`);
  }
  if (promotions.length) {
    console.log('\nPromotions:\n');
    const figures = promotionFigures(promotions);
    console.log(
      figures.length
        ? textTable(FIGURE_HEADER, figureRows(figures))
        : 'No promotion figures.',
    );
    console.log('');
    for (const p of promotions) {
      console.log(`${p.database}: ${p.version}`);
      for (const s of p.skipped) console.log(`  - SKIPPED: ${s}`);
      for (const f of p.failures) console.log(`  - FAILED: ${f}`);
      for (const n of p.notes) console.log(`  - ${n}`);
    }
  }
  for (const [title, section] of [
    ['Stages', stages],
    ['Portal', portal],
  ] as const) {
    if (!section.length) continue;
    console.log(`\n${title}:\n`);
    const figures = section.flatMap(r => r.figures);
    console.log(
      figures.length
        ? textTable(FIGURE_HEADER, figureRows(figures))
        : `No ${title} figures.`,
    );
    console.log('');
    for (const p of section) {
      console.log(`${p.database}: ${p.version}`);
      for (const s of p.skipped) console.log(`  - SKIPPED: ${s}`);
      for (const f of p.failures) console.log(`  - FAILED: ${f}`);
      for (const n of p.notes) console.log(`  - ${n}`);
    }
  }
  console.log(`\nTotal run time: ${totalSeconds.toFixed(0)} s`);
  if (
    write &&
    (results.length ||
      discovery ||
      promotions.length ||
      stages.length ||
      portal.length)
  ) {
    mkdirSync(dirname(DOC), { recursive: true });
    writeFileSync(
      DOC,
      markdown({
        machine: m,
        options: OPTIONS,
        results,
        skipped,
        backend: BACKEND_DESCRIPTION,
        totalSeconds,
        discovery,
        promotions: {
          results: promotions,
          description: promotionsDescription(PROMOTIONS_OPTIONS),
        },
        stages: {
          results: stages,
          description: stagesDescription(STAGES_OPTIONS),
        },
        portal: { results: portal, description: portalDescription },
      }),
    );
    console.log(`Wrote ${DOC}`);
  }
  if (failed) process.exitCode = 1;
}

main().catch(error => {
  // Database errors quote whole statements: keep the report readable.
  console.error(String(error?.stack ?? error).slice(0, 3000));
  if (process.send) process.exit(1); // a child: do not linger on open pools
  process.exitCode = 1;
});
