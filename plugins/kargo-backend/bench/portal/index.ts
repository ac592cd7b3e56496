/**
 * The "Portal" section (issue 6): the pipeline view in Chromium for a
 * 600-Stage project beside a 10-Stage one, measured by e2e/portal.bench.mjs
 * on an isolated portal serving the production build of the app. Run in a
 * process of its own (it starts and stops the portal itself).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchFigure, FigureStat, Log } from '../figures';
import { now } from '../measure';
import type { StagesResult } from '../stages';

export type PortalResult = StagesResult;

const ROOT = resolve(__dirname, '../../../..');
const SCRIPT = join(ROOT, 'e2e', 'portal.bench.mjs');
/** The app build (~90 s), the portal's start, both projects (~1 min). */
const TIMEOUT_MS = 900_000;
const TARGET_MS = 2000;
const TARGET_HEAP_MB = 200;

type Measured = {
  project: string;
  stages: number;
  freight: number;
  listReadyMs: number;
  searchMs: number;
  graphReadyMs: number;
  graphSearchMs: number;
  navigationToGraphMs: number;
  heapListMB: number;
  heapGraphMB: number;
};

export const portalDescription = [
  `e2e/portal.bench.mjs --start --production: builds packages/app for production (backstage-cli package build: minified, React's production build), starts the portal's backend alone (backstage-cli package start in packages/backend) on loopback ports with the demo, its SQLite files in a temporary folder, serving the built app from its own origin (@backstage/plugin-app-backend), as a deployed portal does; signs in as the guest in headless Chromium (Debian's, driven by playwright-core, 1280×800)`,
  `Fixture: for each size a project applied through POST /v1beta1/resources as the guest: a Warehouse (a Git subscription on the demo's repository, manual Freight creation), Stages in chains of 30 from it (each with a git-clone step, never run), Freight of distinct commits; measured once the API answers a list of the Stages within 1 s twice in a row and the catalog serves the Component`,
  `The page: the Promotions tab of a catalog Component annotated with the project (/catalog/default/component/<project>/kargo; the portal's catalog holds the demo's users and groups and one such Component per project). Each time runs from the navigation or the click until a condition holds in the page, checked at every animation frame (waitForFunction polling 'raf'): "list ready" — the Stages table shows rows and the search box takes input; "search" — typing the last Stage's name leaves exactly that row; "graph ready" — after a click on Graph, the first Stage's card is drawn and visible; "search in graph" — typing the last Stage's name shows its card; "navigation to graph" — a fresh page at /kargo/<project>?view=graph until the first Stage's card is visible. JS heap: used size after a forced garbage collection (Chrome DevTools Protocol), once the list shows and once the graph does`,
];

/** Runs the browser benchmark and turns its figures into the report's. */
export async function runPortal(log: Log): Promise<PortalResult> {
  const started = now();
  const result: PortalResult = {
    database: 'SQLite (the portal)',
    version: 'production build of packages/app, Chromium',
    figures: [],
    notes: [],
    skipped: [],
    failures: [],
    seconds: 0,
  };
  const chromium = process.env.KARGO_TEST_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    result.skipped.push(`portal: no Chromium at ${chromium}`);
    return result;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kargo-portal-bench-'));
  const json = join(dir, 'figures.json');
  try {
    await runScript(['--start', '--production', '--json', json], log);
    const { results } = JSON.parse(readFileSync(json, 'utf8')) as {
      results: Measured[];
    };
    const [small, big] = [...results].sort((a, b) => a.stages - b.stages);
    result.figures.push(pipelineViewFigure(big, small));
    result.notes.push(
      `apply and settle are printed by the script; the figures here start at the page`,
    );
  } catch (error) {
    result.failures.push(`portal: ${(error as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.seconds = (now() - started) / 1000;
  return result;
}

function pipelineViewFigure(big: Measured, small: Measured): BenchFigure {
  const time = (
    label: string,
    key: keyof Measured,
    target = false,
  ): FigureStat => ({
    label,
    unit: 'ms',
    ours: big[key] as number,
    baseline: small[key] as number,
    ...(target
      ? {
          target: {
            text: `< ${TARGET_MS / 1000} s`,
            met: (big[key] as number) < TARGET_MS,
          },
        }
      : {}),
  });
  const heap = (label: string, key: keyof Measured): FigureStat => ({
    label,
    unit: 'MiB',
    ours: big[key] as number,
    baseline: small[key] as number,
    target: {
      text: `< ${TARGET_HEAP_MB} MB`,
      met: (big[key] as number) < TARGET_HEAP_MB,
    },
  });
  return {
    title: `Pipeline view in Chromium, ${
      big.stages
    } Stages and ${big.freight.toLocaleString('en')} Freight (baseline: ${
      small.stages
    } Stages, ${small.freight} Freight)`,
    database: 'SQLite (portal)',
    stats: [
      time('list ready', 'listReadyMs', true),
      time('navigation to graph', 'navigationToGraphMs', true),
      time('graph ready after the click', 'graphReadyMs', true),
      time('search in list', 'searchMs'),
      time('search in graph', 'graphSearchMs'),
      heap('JS heap, list', 'heapListMB'),
      heap('JS heap, graph', 'heapGraphMB'),
    ],
    baseline: `the same view, measured the same way in the same run, for a ${small.stages}-Stage project with ${small.freight} Freight`,
  };
}

function runScript(args: string[], log: Log): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    let tail = '';
    const forward = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) log(line);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) done();
      else fail(new Error(`portal.bench.mjs exited with ${code}: ${tail}`));
    });
  });
}
