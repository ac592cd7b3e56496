#!/usr/bin/env node
// End-to-end test of the portal as `npm start` runs it, seen through a browser.
//
//   node --test e2e/portal.e2e.mjs      (npm run test:e2e; npm test runs it last)
//
// It starts `backstage-cli repo start` from the repository root, as `npm start`
// does, but isolated from any portal already running and from data/:
//
//   - scripts/demo-setup.mjs creates the demo Git repositories and
//     pipeline.yaml in a temporary folder (KARGO_DEMO_DIR);
//   - an extra config file, app-config.e2e.yaml in the temporary folder, moves
//     the SQLite files, the demo's Git root and the bootstrapped manifests
//     there, and puts the backend and the frontend on free loopback ports.
//
// Then Chromium (playwright-core) signs in as guest, finds `guestbook` in the
// catalog, opens its Promotions tab and checks what a user sees. The
// screenshot goes to e2e/artifacts/promotions-tab.png, the portal's output to
// e2e/artifacts/portal.log (and failure.png when a step fails).
//
// `repo start` watches the sources: when a file changes during the run (someone
// editing the repository), the backend restarts and the frontend rebuilds. A
// navigation step that fails while that happened is tried again (twice at
// most); the run says how often the portal restarted.
//
// Everything it starts runs in its own process group, which is stopped at the
// end, pass or fail (also on Ctrl-C); the temporary folder is removed. Every
// wait is bounded: start-up KARGO_E2E_STARTUP_MS (default 180 s), 30 s a step.
//
// Without Chromium (KARGO_TEST_CHROMIUM, default /usr/bin/chromium) the test
// is skipped with a loud message; with KARGO_TEST_STRICT=1 or CI=true it fails.
import { after, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'e2e', 'artifacts');
const chromiumPath = process.env.KARGO_TEST_CHROMIUM || '/usr/bin/chromium';
const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const strict = process.env.KARGO_TEST_STRICT === '1' || ci;

/** Bounds, in milliseconds. */
const STARTUP_MS = Number(process.env.KARGO_E2E_STARTUP_MS) || 180_000;
const STEP_MS = 30_000;
const CATALOG_MS = 90_000;
const STOP_MS = 15_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

const t0 = Date.now();
const log = message =>
  console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

// ---------------------------------------------------------------------------
// The portal's processes and temporary folder, and their clean-up.

const state = {
  tmp: undefined,
  pgid: undefined,
  child: undefined,
  exited: undefined, // { code, signal } once `backstage-cli` exited
  logFile: join(artifacts, 'portal.log'),
  browser: undefined,
  page: undefined,
  stopping: new AbortController(),
};

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops the process group: SIGTERM, then SIGKILL after STOP_MS. */
async function stopPortal() {
  const pgid = state.pgid;
  if (!pgid || !groupAlive(pgid)) {
    return;
  }
  signalGroup(pgid, 'SIGTERM');
  for (const [signal, wait] of [
    ['SIGKILL', STOP_MS],
    [undefined, 5_000],
  ]) {
    const deadline = Date.now() + wait;
    while (groupAlive(pgid) && Date.now() < deadline) {
      await sleep(100);
    }
    if (!groupAlive(pgid)) {
      log('portal stopped');
      return;
    }
    if (signal) {
      log(`portal still running after ${wait / 1000}s: ${signal}`);
      signalGroup(pgid, signal);
    }
  }
  throw new Error(`process group ${pgid} survived SIGKILL`);
}

function removeTmp() {
  const tmp = state.tmp;
  if (!tmp) {
    return;
  }
  rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  state.tmp = undefined;
}

// Last resort when the test process ends early (Ctrl-C, a hook timing out).
process.on('exit', () => {
  if (state.pgid && groupAlive(state.pgid)) {
    signalGroup(state.pgid, 'SIGKILL');
  }
  try {
    removeTmp();
  } catch {
    // Nothing more to do at exit.
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`[e2e] ${signal}: stopping the portal`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------
// Starting the portal.

/** Free TCP ports on the loopback interface, distinct from each other. */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(0, '127.0.0.1', ok);
      });
      servers.push(server);
    }
    return servers.map(s => s.address().port);
  } finally {
    await Promise.all(servers.map(s => new Promise(ok => s.close(ok))));
  }
}

function logTail(lines = 60) {
  try {
    return readFileSync(state.logFile, 'utf8')
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `url` until `check(response, body)` holds, within the deadline. */
async function waitFor(name, url, check, deadline) {
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (state.exited) {
      throw new Error(
        `the portal exited (${JSON.stringify(state.exited)}) before ${name} ` +
          `answered; last lines of ${state.logFile}:\n${logTail()}`,
      );
    }
    if (state.stopping.signal.aborted) {
      throw new Error('stopped');
    }
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(Math.min(20_000, deadline - Date.now())),
      });
      const body = await response.text();
      if (check(response, body)) {
        log(`${name} answers (${url})`);
        return;
      }
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.name ?? String(error);
    }
    await sleep(500);
  }
  throw new Error(
    `${name} did not answer ${url} within ${STARTUP_MS / 1000}s (${last}); ` +
      `last lines of ${state.logFile}:\n${logTail()}`,
  );
}

async function startPortal() {
  const tmp = mkdtempSync(join(tmpdir(), 'kargo-e2e-'));
  state.tmp = tmp;
  const [backendPort, appPort] = await freePorts(2);
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const appUrl = `http://127.0.0.1:${appPort}`;
  const demoDir = join(tmp, 'data', 'demo');

  const setup = execFileSync(
    process.execPath,
    [join(root, 'scripts', 'demo-setup.mjs')],
    {
      cwd: root,
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KARGO_DEMO_DIR: demoDir,
        KARGO_DEMO_GIT_URL: `${backendUrl}/api/demo-git`,
      },
    },
  ).toString();
  log(setup.trim());
  assert.ok(
    existsSync(join(demoDir, 'pipeline.yaml')),
    `demo-setup.mjs did not write ${demoDir}/pipeline.yaml`,
  );

  const q = JSON.stringify; // JSON strings are YAML strings
  const config = join(tmp, 'app-config.e2e.yaml');
  writeFileSync(
    config,
    [
      '# Written by e2e/portal.e2e.mjs: the portal on loopback ports, with its',
      '# data in a temporary folder.',
      'app:',
      `  baseUrl: ${q(appUrl)}`,
      'backend:',
      `  baseUrl: ${q(backendUrl)}`,
      '  listen:',
      `    host: 127.0.0.1`,
      `    port: ${backendPort}`,
      '  cors:',
      `    origin: ${q(appUrl)}`,
      '  database:',
      '    connection:',
      `      directory: ${q(join(tmp, 'sqlite'))}`,
      'kargo:',
      '  bootstrap:',
      '    manifests:',
      `      - ${q(join(demoDir, 'pipeline.yaml'))}`,
      'demo:',
      '  git:',
      `    root: ${q(demoDir)}`,
      '',
    ].join('\n'),
  );

  mkdirSync(artifacts, { recursive: true });
  const out = openSync(state.logFile, 'w');
  const env = { ...process.env, BROWSER: 'none', FORCE_COLOR: '0' };
  delete env.NODE_TEST_CONTEXT; // set by `node --test` for this file only
  try {
    // `npm start` is `node scripts/demo-setup.mjs && backstage-cli repo start`.
    state.child = spawn(
      process.execPath,
      [
        join(root, 'node_modules', '.bin', 'backstage-cli'),
        'repo',
        'start',
        '--config',
        join(root, 'app-config.yaml'),
        '--config',
        config,
      ],
      { cwd: root, env, detached: true, stdio: ['ignore', out, out] },
    );
  } finally {
    closeSync(out);
  }
  state.pgid = state.child.pid;
  state.child.on('exit', (code, signal) => {
    state.exited = { code, signal };
  });
  state.child.unref();
  log(
    `portal starting (process group ${state.pgid}): backend ${backendUrl}, ` +
      `app ${appUrl}, data in ${tmp}, output in ${state.logFile}`,
  );

  const urls = { backendUrl, appUrl };
  await waitReady(urls);
  return urls;
}

/** Waits until the backend and the frontend answer (STARTUP_MS). */
async function waitReady({ backendUrl, appUrl }) {
  const deadline = Date.now() + STARTUP_MS;
  await Promise.all([
    waitFor(
      'backend',
      `${backendUrl}/.backstage/health/v1/readiness`,
      response => response.ok,
      deadline,
    ),
    waitFor(
      'frontend',
      `${appUrl}/`,
      (response, body) => response.ok && body.includes('id="root"'),
      deadline,
    ),
  ]);
}

/**
 * How often the dev servers restarted or rebuilt so far. `repo start` watches
 * the sources: the backend restarts and the frontend rebuilds (and reloads the
 * page) when a file changes, for instance while someone edits the repository.
 */
function restarts() {
  const text = existsSync(state.logFile)
    ? readFileSync(state.logFile, 'utf8')
    : '';
  const backend = text.match(/Change detected, restarting/g)?.length ?? 0;
  const builds = text.match(/Rspack compiled/g)?.length ?? 0;
  return backend + Math.max(0, builds - 1);
}

// ---------------------------------------------------------------------------
// The test.

const chromiumMissing = !existsSync(chromiumPath);
if (chromiumMissing) {
  const banner = '!'.repeat(78);
  console.warn(
    [
      banner,
      `!! Chromium not found at ${chromiumPath} (KARGO_TEST_CHROMIUM):`,
      `!! the portal's end-to-end test is ${strict ? 'FAILING' : 'SKIPPED'}.`,
      '!! Install it with: npm run servers   (scripts/test-servers.sh, as root)',
      banner,
    ].join('\n'),
  );
}

const suite = 'portal end to end (backstage-cli repo start, isolated)';
if (chromiumMissing && !strict) {
  test(suite, { skip: `Chromium not found at ${chromiumPath}` }, () => {});
} else {
  describe(suite, () => {
    let urls;
    let page;
    let apiCalls = []; // the page's answers from /api/kargo
    let guestToken;
    let broken;

    /**
     * A step of the scenario: skipped once an earlier one failed. When the
     * dev servers restarted during a failed attempt (a source file changed),
     * the attempt says nothing about the portal: `retry` runs, then the step
     * again, twice at most.
     */
    const step = (name, timeout, fn, retry) =>
      it(name, { timeout }, async t => {
        if (broken) {
          t.skip(`"${broken}" failed`);
          return;
        }
        for (let attempt = 1; ; attempt++) {
          const restartsBefore = restarts();
          try {
            await fn();
            return;
          } catch (error) {
            if (retry && attempt < 3 && restarts() > restartsBefore) {
              log(
                `"${name}" failed while the portal restarted (a source file ` +
                  `changed): again. ${error.message.split('\n')[0]}`,
              );
              await waitReady(urls);
              await retry();
              continue;
            }
            broken = name;
            if (page?.url().startsWith('http')) {
              await page
                .screenshot({
                  path: join(artifacts, 'failure.png'),
                  timeout: 5_000,
                })
                .then(() =>
                  log(`screenshot of the failure: ${artifacts}/failure.png`),
                )
                .catch(() => {});
            }
            throw error;
          }
        }
      });

    step('starts Chromium', 60_000, async () => {
      mkdirSync(artifacts, { recursive: true });
      rmSync(join(artifacts, 'failure.png'), { force: true });
      assert.ok(
        !chromiumMissing,
        `Chromium not found at ${chromiumPath} (KARGO_TEST_STRICT=1 or CI)`,
      );
      const { chromium } = await import('playwright-core');
      // launch() gives the browser a fresh temporary profile of its own.
      state.browser = await chromium.launch({
        executablePath: chromiumPath,
        args: CHROMIUM_ARGS,
        timeout: 50_000,
      });
      const context = await state.browser.newContext({
        viewport: { width: 1280, height: 800 },
      });
      context.setDefaultTimeout(STEP_MS);
      context.setDefaultNavigationTimeout(STEP_MS);
      page = await context.newPage();
      state.page = page;
      page.on('pageerror', error =>
        log(`page error: ${error.message.split('\n')[0]}`),
      );
      page.on('response', async response => {
        const url = response.url();
        if (url.startsWith(`${urls.backendUrl}/api/kargo/`)) {
          apiCalls.push({ url, status: response.status() });
        }
        if (url.startsWith(`${urls.backendUrl}/api/auth/guest/refresh`)) {
          const body = await response.json().catch(() => undefined);
          guestToken = body?.backstageIdentity?.token ?? guestToken;
        }
      });
    });

    step(
      'starts the portal: npm start, with its data in a temporary folder',
      STARTUP_MS + 60_000,
      async () => {
        urls = await startPortal();
      },
    );

    after(
      async () => {
        state.stopping.abort();
        const count = restarts();
        if (count) {
          log(
            `note: the dev servers restarted or rebuilt ${count} time(s) ` +
              'during the test, because source files changed',
          );
        }
        if (state.browser) {
          await Promise.race([
            state.browser.close(),
            sleep(10_000, undefined, { ref: false }),
          ]).catch(() => {});
        }
        try {
          await stopPortal();
        } finally {
          removeTmp();
        }
      },
      { timeout: STOP_MS + 30_000 },
    );

    const guestbookLink = () =>
      page.locator('a[href$="/catalog/default/component/guestbook"]').first();

    /** Opens the catalog, signing in as guest if asked, until guestbook shows. */
    async function openCatalog() {
      await page.goto(`${urls.appUrl}/catalog`, {
        waitUntil: 'domcontentloaded',
      });
      // The guest sign-in page asks for "Enter", unless it signs in by itself.
      const enter = page.getByRole('button', { name: 'Enter', exact: true });
      const guestbook = guestbookLink();
      const deadline = Date.now() + CATALOG_MS;
      for (;;) {
        await enter
          .or(guestbook)
          .first()
          .waitFor({ timeout: 15_000 })
          .catch(() => {});
        if (await guestbook.isVisible()) {
          return;
        }
        if (await enter.isVisible()) {
          log('guest sign-in page: Enter');
          await enter.click({ timeout: 5_000 }).catch(() => {});
          await enter.waitFor({ state: 'hidden' });
          continue;
        }
        // The catalog reads examples/entities.yaml shortly after start-up.
        assert.ok(
          Date.now() < deadline,
          `the catalog did not list guestbook within ${CATALOG_MS / 1000}s`,
        );
        log('guestbook not in the catalog yet: reload');
        await page.reload({ waitUntil: 'domcontentloaded' });
      }
    }

    step(
      'signs in as guest and finds guestbook in the catalog',
      3 * (CATALOG_MS + STEP_MS),
      async () => {
        await openCatalog();
        log('the catalog lists guestbook');
      },
      async () => {},
    );

    step(
      'opens guestbook, then its Promotions tab',
      3 * (CATALOG_MS + 3 * STEP_MS),
      async () => {
        apiCalls = [];
        await guestbookLink().click();
        await page.waitForURL(/\/catalog\/default\/component\/guestbook$/);
        await page
          .getByRole('link', { name: 'Promotions', exact: true })
          .click();
        await page.waitForURL(
          /\/catalog\/default\/component\/guestbook\/kargo$/,
        );
        // The InfoCard's title.
        await page
          .getByText('Kargo project kargo-demo', { exact: true })
          .waitFor({ state: 'visible' });
        log('the Promotions tab shows "Kargo project kargo-demo"');
      },
      openCatalog,
    );

    /** The text of each body cell of a visible table, row by row. */
    const tableCells = async name => {
      const table = page.getByRole('table', { name, exact: true });
      await table.locator('tbody tr').first().waitFor({ state: 'visible' });
      return table.evaluate(t =>
        [...t.tBodies].flatMap(body =>
          [...body.rows].map(row =>
            [...row.cells].map(cell => cell.innerText.trim()),
          ),
        ),
      );
    };

    step(
      'shows the Stages in pipeline order: dev → staging → prod',
      STEP_MS,
      async () => {
        const rows = await tableCells('Stages');
        assert.deepEqual(
          rows.map(row => row.slice(0, 2)),
          [
            ['dev', 'guestbook from Warehouse'],
            ['staging', 'guestbook from dev'],
            ['prod', 'guestbook from staging'],
          ],
        );
      },
    );

    step(
      'shows the Warehouse guestbook with its Git repository',
      STEP_MS,
      async () => {
        const rows = await tableCells('Warehouses');
        assert.deepEqual(
          rows.map(row => row.slice(0, 2)),
          [
            [
              'guestbook',
              `git ${urls.backendUrl}/api/demo-git/guestbook-src.git @ main`,
            ],
          ],
        );
        await page.screenshot({
          path: join(artifacts, 'promotions-tab.png'),
          fullPage: true,
        });
        log(`screenshot: ${artifacts}/promotions-tab.png`);
      },
    );

    step(
      'shows the Freight the Warehouse discovered in the demo repository',
      STEP_MS,
      async () => {
        // Discovery starts with the backend; reload until it has landed.
        const freight = /^[a-z]+-[a-z]+ \(guestbook-src@[0-9a-f]{7}\)$/;
        let newest = '';
        for (let attempt = 0; attempt < 20; attempt++) {
          const [row] = await tableCells('Warehouses');
          newest = row[row.length - 1];
          if (freight.test(newest)) break;
          await page.waitForTimeout(1000);
          await page.reload();
        }
        assert.match(newest, freight);
      },
    );

    step(
      'shows no error, and the Kargo API answered the page',
      STEP_MS,
      async () => {
        const panels = page.locator(
          [
            '[class*="BackstageWarningPanel"]',
            '[class*="BackstageErrorPanel"]',
            '[class*="BackstageResponseErrorPanel"]',
          ].join(', '),
        );
        assert.equal(
          await panels.count(),
          0,
          `error panel on the tab: ${await panels.allInnerTexts()}`,
        );
        assert.equal(await page.getByText('cannot be shown').count(), 0);
        assert.ok(apiCalls.length > 0, 'the tab made no request to /api/kargo');
        assert.deepEqual(
          apiCalls.filter(call => call.status >= 400),
          [],
          'failed requests to /api/kargo',
        );
      },
    );

    step(
      "the Kargo API answers the page's guest session",
      STEP_MS,
      async () => {
        assert.ok(guestToken, 'no Backstage token seen in the guest sign-in');
        // From the page, so that the request passes CORS as the app's do.
        const answer = await page.evaluate(
          async ({ url, token }) => {
            const response = await fetch(url, {
              headers: { Authorization: `Bearer ${token}` },
            });
            return { status: response.status, body: await response.text() };
          },
          {
            url: `${urls.backendUrl}/api/kargo/v1beta1/projects`,
            token: guestToken,
          },
        );
        assert.equal(answer.status, 200, answer.body);
        const names = JSON.parse(answer.body).items.map(p => p.metadata.name);
        assert.ok(names.includes('kargo-demo'), `projects: ${names}`);
      },
    );

    step(
      'promotes the newest Freight to dev through the API: the demo GitOps repository gets the commit and the tab shows it',
      3 * STEP_MS,
      async () => {
        const api = async (method, path, body) => {
          const response = await fetch(`${urls.backendUrl}/api/kargo${path}`, {
            method,
            headers: {
              Authorization: `Bearer ${guestToken}`,
              ...(body ? { 'Content-Type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
          });
          const text = await response.text();
          assert.ok(
            response.ok,
            `${method} ${path}: ${response.status} ${text}`,
          );
          return JSON.parse(text);
        };
        const created = await api(
          'POST',
          '/v1beta1/projects/kargo-demo/stages/dev/promotions',
          { origin: { kind: 'Warehouse', name: 'guestbook' } },
        );
        const name = created.metadata.name;
        log(`created Promotion ${name}`);
        let promotion = created;
        const deadline = Date.now() + 2 * STEP_MS;
        while (
          !['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(
            promotion.status?.phase,
          ) &&
          Date.now() < deadline
        ) {
          await sleep(250);
          promotion = await api(
            'GET',
            `/v1beta1/projects/kargo-demo/promotions/${name}`,
          );
        }
        assert.equal(
          promotion.status?.phase,
          'Succeeded',
          `Promotion ${name}: ${JSON.stringify(promotion.status)}`,
        );
        const freight = await api(
          'GET',
          `/v1beta1/projects/kargo-demo/freight/${promotion.spec.freight}`,
        );
        const revision = freight.commits[0].id;
        const gitDir = join(state.tmp, 'data', 'demo', 'guestbook-gitops.git');
        const git = (...args) =>
          execFileSync('git', ['--git-dir', gitDir, ...args], {
            encoding: 'utf8',
          }).trim();
        // Newest or not: staging may promote itself on top once dev has
        // verified the Freight and it has soaked there.
        assert.ok(
          git('log', '-20', '--format=%s', 'main')
            .split('\n')
            .includes(`dev runs guestbook ${revision}`),
          `no commit "dev runs guestbook ${revision}" on main`,
        );
        assert.match(
          git('show', 'main:env/dev/values.yaml'),
          new RegExp(`revision: ${revision}`),
        );
        log(`the demo GitOps repository has "dev runs guestbook ${revision}"`);

        await page.reload();
        const rows = await tableCells('Stages');
        const dev = rows.find(row => row[0] === 'dev');
        assert.ok(
          dev[2].includes(freight.alias),
          `dev's current Freight: ${dev[2]}`,
        );
        assert.equal(dev[4], 'Succeeded');
        state.devFreight = freight.metadata.name;
      },
    );

    step(
      "dev verifies the Freight with the demo's smoke check (an AnalysisRun of a web metric against the backend)",
      2 * STEP_MS,
      async () => {
        assert.ok(state.devFreight, 'no Freight was promoted to dev');
        const get = async path => {
          const response = await fetch(`${urls.backendUrl}/api/kargo${path}`, {
            headers: { Authorization: `Bearer ${guestToken}` },
          });
          const text = await response.text();
          assert.ok(response.ok, `GET ${path}: ${response.status} ${text}`);
          return JSON.parse(text);
        };
        let verification;
        const deadline = Date.now() + STEP_MS;
        while (Date.now() < deadline) {
          const dev = await get('/v1beta1/projects/kargo-demo/stages/dev');
          const current = dev.status?.freightHistory?.[0];
          verification = current?.verificationHistory?.[0];
          const holds = Object.values(current?.items ?? {}).some(
            f => f.name === state.devFreight,
          );
          if (
            holds &&
            ['Successful', 'Failed', 'Error'].includes(verification?.phase)
          ) {
            break;
          }
          await sleep(500);
        }
        assert.equal(
          verification?.phase,
          'Successful',
          `dev's verification: ${JSON.stringify(verification)}`,
        );
        const run = await get(
          `/v1beta1/projects/kargo-demo/analysis-runs/${verification.analysisRun.name}`,
        );
        const smoke = run.status.metricResults.find(m => m.name === 'smoke');
        assert.equal(smoke?.phase, 'Successful', JSON.stringify(run.status));
        assert.equal(smoke.measurements.length, 2);
        const freight = await get(
          `/v1beta1/projects/kargo-demo/freight/${state.devFreight}`,
        );
        assert.ok(
          freight.status?.verifiedIn?.dev,
          `verifiedIn: ${JSON.stringify(freight.status?.verifiedIn)}`,
        );
        log(`dev verified ${state.devFreight} by ${run.metadata.name}`);
      },
    );
  });
}
