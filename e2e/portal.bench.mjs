#!/usr/bin/env node
// Benchmark of the pipeline view in Chromium: a 600-Stage project with 2,000
// Freight beside a 10-Stage one. Not a test (npm test does not run it).
//
//   node e2e/portal.bench.mjs            against a running portal (npm start):
//                                        KARGO_BENCH_APP_URL (default
//                                        http://localhost:3000) and
//                                        KARGO_BENCH_BACKEND_URL (default
//                                        http://localhost:7007)
//   node e2e/portal.bench.mjs --start    starts an isolated portal first, as
//                                        the end-to-end test does
//   --production                         with --start: builds the app for
//                                        production and lets the backend
//                                        serve it, as a deployed portal does
//                                        (--no-build reuses packages/app/dist)
//   --json <file>                        also writes the figures there
//                                        (npm run bench reads them)
//   --keep                               leaves the bench projects in place
//
// For each size it applies a project through the API as the guest (a
// Warehouse, Stages in chains of 30 from it, Freight of distinct commits),
// waits until the API answers a list of the Stages within 1 s again (the
// backend reconciles what was applied; printed as "API settled"), opens the
// Promotions tab of the catalog Component annotated with the project
// (/catalog/default/component/<project>/kargo; with --start the portal's
// catalog holds one per project), and prints what it measured:
//
//   - list ready: from navigation until the Stages list shows its rows and the
//     search box takes input;
//   - search: from typing the last Stage's full name until the list shows
//     that Stage alone;
//   - graph ready: from the click on "Graph" until the first Stage's card is
//     drawn and visible (big graphs draw the cards near the visible area);
//   - search in graph: from typing the last Stage's name until its card is
//     visible;
//   - navigation to graph: from navigating to the tab with ?view=graph in
//     a fresh page until the first Stage's card is visible;
//   - JS heap: used size after a garbage collection (Chrome DevTools
//     Protocol), once the list shows and once the graph does.
//
// Every "until" is checked in the page at each animation frame.
// The Stages hold no Freight (that takes promotions); the Freight timeline
// loads the 100 newest. Every wait is bounded (BENCH_STEP_MS). With --start,
// a measurement that the portal's restart interrupted (someone edited a
// source file) is taken again. `repo start` serves a development build of the
// app (unminified React with its checks); --production measures what users
// of a deployed portal get.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  artifacts,
  buildApp,
  chromiumPath,
  kargoApi,
  launchChromium,
  log,
  removeTmp,
  restarts,
  root,
  startPortal,
  stopPortal,
  waitReady,
} from './lib/portal.mjs';

const BENCH_STEP_MS = 120_000;
const SIZES = [
  { project: 'bench-10', stages: 10, freight: 20 },
  { project: 'bench-600', stages: 600, freight: 2000 },
];
/** Stages per chain: Stage k of a chain takes Freight from Stage k-1. */
const CHAIN = 30;
/** Documents per request to /resources (its body limit is 4 MiB). */
const BATCH = 500;

const argv = process.argv.slice(2);
const args = new Set(argv);
const jsonFile = args.has('--json') ? argv[argv.indexOf('--json') + 1] : '';
const production = args.has('--production');
const sha1 = text => createHash('sha1').update(text).digest('hex');

/** The manifests of a bench project, Stages and Freight apart. */
function manifests({ project, stages, freight }, repoURL) {
  const meta = name => ({ name, namespace: project });
  const api = 'kargo.akuity.io/v1alpha1';
  const origin = { kind: 'Warehouse', name: 'source' };
  const stageName = i => `s${Math.floor(i / CHAIN)}-${i % CHAIN}`;
  return {
    base: [
      { apiVersion: api, kind: 'Project', metadata: { name: project } },
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: meta('source'),
        spec: {
          interval: '24h0m0s',
          freightCreationPolicy: 'Manual',
          subscriptions: [{ git: { repoURL, branch: 'main' } }],
        },
      },
    ],
    stages: Array.from({ length: stages }, (_, i) => ({
      apiVersion: api,
      kind: 'Stage',
      metadata: meta(stageName(i)),
      spec: {
        requestedFreight: [
          {
            origin,
            sources:
              i % CHAIN === 0
                ? { direct: true }
                : { stages: [stageName(i - 1)] },
          },
        ],
        // Steps (never run here), as real Stages have: a Stage without
        // steps is control flow, and would pass every Freight on downstream.
        promotionTemplate: {
          spec: {
            steps: [
              {
                uses: 'git-clone',
                config: {
                  repoURL,
                  checkout: [{ branch: 'main', path: './out' }],
                },
              },
            ],
          },
        },
      },
    })),
    freight: Array.from({ length: freight }, (_, i) => ({
      apiVersion: api,
      kind: 'Freight',
      metadata: { namespace: project },
      origin,
      commits: [{ repoURL, id: sha1(`${project}/${i}`) }],
    })),
    lastStage: stageName(stages - 1),
  };
}

async function main() {
  let urls = {
    appUrl: process.env.KARGO_BENCH_APP_URL ?? 'http://localhost:3000',
    backendUrl: process.env.KARGO_BENCH_BACKEND_URL ?? 'http://localhost:7007',
  };
  // The catalog Components whose Promotions tab shows each bench project.
  const entitiesDir = mkdtempSync(join(tmpdir(), 'kargo-bench-entities-'));
  const entitiesFile = join(entitiesDir, 'entities.yaml');
  writeFileSync(entitiesFile, benchEntities());
  if (args.has('--start')) {
    if (production && !args.has('--no-build')) buildApp();
    urls = await startPortal({
      production,
      extraConfig: catalogConfig(entitiesFile),
    });
  }
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(BENCH_STEP_MS);
    let token;
    context.on('response', async response => {
      if (response.url().includes('/api/auth/guest/refresh')) {
        const body = await response.json().catch(() => undefined);
        token = body?.backstageIdentity?.token ?? token;
      }
    });
    const page = await context.newPage();
    await signIn(page, urls.appUrl);
    for (let i = 0; !token && i < 50; i++) await sleep(100);
    assert.ok(token, 'no Backstage token seen in the guest sign-in');

    const kargo = kargoApi(urls.backendUrl, () => token, BENCH_STEP_MS);

    const results = [];
    for (const size of SIZES) {
      const docs = manifests(
        size,
        `${urls.backendUrl}/api/demo-git/guestbook-src.git`,
      );
      await kargo('DELETE', `/v1beta1/projects/${size.project}`).catch(
        () => undefined,
      );
      const started = Date.now();
      for (const batch of [docs.base, docs.stages, docs.freight]) {
        for (let i = 0; i < batch.length; i += BATCH) {
          await kargo('POST', '/v1beta1/resources', batch.slice(i, i + BATCH));
        }
      }
      const appliedMs = Date.now() - started;
      log(
        `applied ${size.project}: ${size.stages} Stages, ${size.freight} Freight in ${appliedMs} ms`,
      );
      // The backend reconciles what was applied; the view is measured once
      // it answers promptly again, and how long that took is printed.
      const settleMs = await settle(kargo, size.project);
      log(`${size.project}: the API answers promptly after ${settleMs} ms`);
      await waitForEntity(urls, () => token, size.project);
      // `repo start` restarts the backend when someone edits a source file:
      // a measurement it interrupted says nothing, so it is taken again.
      for (let attempt = 1; ; attempt++) {
        const before = restarts();
        try {
          results.push({
            ...size,
            appliedMs,
            settleMs,
            ...(await measure(context, urls, docs)),
          });
          break;
        } catch (error) {
          if (!args.has('--start') || attempt >= 3 || restarts() === before) {
            throw error;
          }
          log(`the portal restarted during ${size.project}: again`);
          await waitReady(urls);
          await signIn(page, urls.appUrl);
        }
      }
      log(`measured ${size.project}: ${JSON.stringify(results.at(-1))}`);
      if (!args.has('--keep')) {
        await kargo('DELETE', `/v1beta1/projects/${size.project}`);
      }
    }
    print(results);
    if (jsonFile) {
      writeFileSync(
        jsonFile,
        JSON.stringify({
          build: production ? 'production' : 'development',
          chromium: chromiumPath,
          results,
        }),
      );
    }
  } finally {
    await browser.close().catch(() => undefined);
    if (args.has('--start')) {
      try {
        await stopPortal();
      } finally {
        removeTmp();
      }
    }
    rmSync(entitiesDir, { recursive: true, force: true });
  }
}

/** A Component per bench project, annotated with it (owned by the guests). */
function benchEntities() {
  return SIZES.map(({ project }) =>
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${project}`,
      '  annotations:',
      `    kargo.akuity.io/project: ${project}`,
      'spec:',
      '  type: service',
      '  lifecycle: experimental',
      '  owner: group:default/guests',
      '',
    ].join('\n'),
  ).join('---\n');
}

/**
 * The bench portal's catalog: the demo's users and groups (the guest's
 * group decides what it may do) and the bench Components. (Lists replace
 * those of app-config.yaml.)
 */
function catalogConfig(entitiesFile) {
  const q = JSON.stringify;
  return [
    'catalog:',
    '  locations:',
    '    - type: file',
    `      target: ${q(join(root, 'examples', 'org.yaml'))}`,
    '      rules:',
    '        - allow: [User, Group]',
    '    - type: file',
    `      target: ${q(entitiesFile)}`,
  ].join('\n');
}

/** Waits (bounded) until the catalog serves the project's Component. */
async function waitForEntity(urls, token, project) {
  const url = `${urls.backendUrl}/api/catalog/entities/by-name/component/default/${project}`;
  for (let i = 0; i < 240; i++) {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token()}` },
    });
    if (response.ok) return;
    await sleep(500);
  }
  throw new Error(
    `the catalog has no component:default/${project} after 120 s: the bench needs it (run with --start, or register one annotated kargo.akuity.io/project: ${project})`,
  );
}

/** Longest wait for the backend to answer promptly after an apply. */
const SETTLE_MS = 600_000;
/** "Promptly": a list of Stages within this, twice in a row. */
const PROMPT_MS = 1_000;

/**
 * How long until the project's Stages list answers promptly again: until the
 * first of two prompt answers in a row (1 s apart) came.
 */
async function settle(kargo, project) {
  const started = Date.now();
  let firstPrompt;
  for (;;) {
    assert.ok(
      Date.now() - started < SETTLE_MS,
      `the API did not answer within ${PROMPT_MS} ms for ${SETTLE_MS} ms`,
    );
    const t = Date.now();
    await kargo('GET', `/v1beta1/projects/${project}/stages?limit=500`);
    const answered = Date.now();
    if (answered - t >= PROMPT_MS) {
      firstPrompt = undefined;
    } else if (firstPrompt === undefined) {
      firstPrompt = answered;
    } else {
      return firstPrompt - started;
    }
    await sleep(1000);
  }
}

/** Opens the Kargo page, entering as guest if the sign-in page asks. */
async function signIn(page, appUrl) {
  await page.goto(`${appUrl}/kargo`, { waitUntil: 'domcontentloaded' });
  const enter = page.getByRole('button', { name: 'Enter', exact: true });
  const projects = page.getByText('Kargo projects');
  await enter.or(projects).first().waitFor();
  if (await enter.isVisible()) {
    await enter.click();
    await projects.waitFor();
  }
}

/** The JS heap in use after a garbage collection, in MB. */
async function usedHeapMB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1024 / 1024;
}

/**
 * Waits, checking at every animation frame in the page (not at Playwright's
 * polling intervals, which would add up to hundreds of milliseconds to a
 * figure), until `predicate(arg)` holds there.
 */
function inPage(page, predicate, arg) {
  return page.waitForFunction(predicate, arg, {
    polling: 'raf',
    timeout: BENCH_STEP_MS,
  });
}

/** The Stages table shows rows and the search box takes input. */
const listReady = () => {
  const rows = document.querySelector('table[aria-label="Stages"] tbody tr');
  const search = document.querySelector('input[aria-label="Search Stages"]');
  return Boolean(rows && search && !search.disabled);
};

/** The card of the named Stage is drawn in the graph and visible. */
const cardVisible = name => {
  const card = document.querySelector(
    `[role="region"][aria-label="Pipeline graph"] [role="group"][aria-label="Stage ${name}"]`,
  );
  if (!card) return false;
  const box = card.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && card.checkVisibility();
};

/** Exactly one Stage row, the named one. */
const onlyRow = name => {
  const table = document.querySelector('table[aria-label="Stages"]');
  const rows = table ? [...table.tBodies[0].rows] : [];
  return rows.length === 1 && rows[0].cells[0].innerText.trim() === name;
};

/** Times one project's pipeline view in fresh pages. */
async function measure(context, urls, docs) {
  const project = docs.base[0].metadata.name;
  const first = docs.stages[0].metadata.name;
  const last = docs.lastStage;
  // The component's Promotions tab.
  const view = `${urls.appUrl}/catalog/default/component/${project}/kargo`;
  let page = await context.newPage();
  try {
    let cdp = await context.newCDPSession(page);
    const t0 = Date.now();
    await page.goto(view, { waitUntil: 'commit' });
    await inPage(page, listReady);
    const listReadyMs = Date.now() - t0;
    const heapListMB = await usedHeapMB(cdp);

    const search = page.getByRole('textbox', { name: 'Search Stages' });
    const t1 = Date.now();
    await search.fill(last);
    await inPage(page, onlyRow, last);
    const searchMs = Date.now() - t1;
    await search.fill('');
    await page.locator('table[aria-label="Stages"] tbody tr').nth(1).waitFor();

    const t2 = Date.now();
    await page.getByRole('button', { name: 'Graph', exact: true }).click();
    await inPage(page, cardVisible, first);
    const graphReadyMs = Date.now() - t2;
    const t3 = Date.now();
    await search.fill(last);
    await inPage(page, cardVisible, last);
    const graphSearchMs = Date.now() - t3;
    await page.close();

    // Straight to the graph, as a link to it opens.
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    const t4 = Date.now();
    await page.goto(`${view}?view=graph`, { waitUntil: 'commit' });
    await inPage(page, cardVisible, first);
    const navigationToGraphMs = Date.now() - t4;
    const heapGraphMB = await usedHeapMB(cdp);
    return {
      listReadyMs,
      searchMs,
      graphReadyMs,
      graphSearchMs,
      navigationToGraphMs,
      heapListMB,
      heapGraphMB,
    };
  } catch (error) {
    const path = join(artifacts, `bench-failure-${project}.png`);
    await page.screenshot({ path, timeout: 5_000 }).catch(() => undefined);
    log(`${project} failed; the page: ${path}`);
    throw error;
  } finally {
    await page.close();
  }
}

function print(results) {
  const header = [
    'project',
    'Stages',
    'Freight',
    'apply',
    'API settled',
    'list ready',
    'search',
    'graph ready',
    'search in graph',
    'navigation to graph',
    'JS heap (list)',
    'JS heap (graph)',
  ];
  const rows = results.map(r => [
    r.project,
    String(r.stages),
    String(r.freight),
    `${r.appliedMs} ms`,
    `${r.settleMs} ms`,
    `${r.listReadyMs} ms`,
    `${r.searchMs} ms`,
    `${r.graphReadyMs} ms`,
    `${r.graphSearchMs} ms`,
    `${r.navigationToGraphMs} ms`,
    `${r.heapListMB.toFixed(1)} MB`,
    `${r.heapGraphMB.toFixed(1)} MB`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(row => row[i].length)),
  );
  const line = cells => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}`);
  for (const row of rows) console.log(line(row));
  console.log(
    `\nChromium ${chromiumPath}; the Promotions tab of ` +
      'component:default/<project>.',
  );
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
