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
//     there, and puts the backend and the frontend on free loopback ports
//     (e2e/lib/portal.mjs, which the benchmark shares).
//
// Then Chromium (playwright-core) signs in as guest, finds `guestbook` in the
// catalog, opens its Promotions tab and checks what a user sees and does:
// Stages, Warehouse and Freight; a promotion through the API and the demo's
// verification; then through the UI: the graph, the Stage and Warehouse
// drawers, Freight assembled by hand, approved for prod and promoted there
// with the promote dialog, a running Promotion aborted, and the Kargo page;
// last, signed in as another user, one outside the production group: the
// Promote button for prod is disabled with the reason, the server refuses
// that user's promotion (403), and prod's audit says who did promote there.
// Screenshots of the main views go to e2e/artifacts/*.png (not committed),
// the portal's output to e2e/artifacts/portal.log (and failure.png when a
// step fails).
//
// `repo start` watches the sources: when a file changes during the run (someone
// editing the repository), the backend restarts and the frontend rebuilds. A
// step that only reads (a navigation, the drawers) and fails while that
// happened is tried again (twice at most), signed in again if need be; the run
// says how often the portal restarted.
//
// Everything it starts runs in its own process group, which is stopped at the
// end, pass or fail (also on Ctrl-C); the temporary folder is removed. Every
// wait is bounded: start-up KARGO_E2E_STARTUP_MS (default 180 s), 30 s a step.
//
// Without Chromium (KARGO_TEST_CHROMIUM, default /usr/bin/chromium) the test
// is skipped with a loud message; with KARGO_TEST_STRICT=1 or CI=true it fails.
import { after, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  artifacts,
  chromiumPath,
  guestSignIn,
  kargoApi,
  launchChromium,
  log,
  removeTmp,
  restarts,
  setGuestUser,
  startPortal,
  state,
  STARTUP_MS,
  STOP_MS,
  stopPortal,
  waitReady,
} from './lib/portal.mjs';

const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const strict = process.env.KARGO_TEST_STRICT === '1' || ci;

/** Bounds, in milliseconds (start-up and stop: lib/portal.mjs). */
const STEP_MS = 30_000;
const CATALOG_MS = 90_000;
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
    /** Backstage signals the page received (its websocket's frames). */
    const signalFrames = [];
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
      state.browser = await launchChromium();
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
      page.on('websocket', socket => {
        if (!socket.url().includes('/api/signals')) return;
        socket.on('framereceived', frame => {
          signalFrames.push({ at: Date.now(), payload: String(frame.payload) });
        });
      });
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
              'during the test, because source files changed (and the ' +
              "frontend once for the last step's configuration)",
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

    /**
     * Back on guestbook's Promotions tab, signed in again if need be: the
     * retry of a step that reads the tab, after the portal restarted.
     */
    const reopenPromotionsTab = async () => {
      await openCatalog();
      await guestbookLink().click();
      await page.getByRole('link', { name: 'Promotions', exact: true }).click();
      await page
        .getByText('Kargo project kargo-demo', { exact: true })
        .waitFor({ state: 'visible' });
    };

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

    /** The Kargo API as the guest, from the test (not the page). */
    const kargo = (method, path, body) =>
      kargoApi(urls.backendUrl, () => guestToken, STEP_MS)(method, path, body);

    step(
      'promotes the newest Freight to dev through the API: the demo GitOps repository gets the commit, and the open tab shows it at once (a Backstage signal, no reload)',
      3 * STEP_MS,
      async () => {
        const api = kargo;
        const signalsBefore = signalFrames.length;
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

        // The backend announced the change on the project's channel…
        for (let i = 0; i < 100; i++) {
          if (
            signalFrames
              .slice(signalsBefore)
              .some(f => f.payload.includes('kargo:project:kargo-demo'))
          ) {
            break;
          }
          await sleep(100);
        }
        const signal = signalFrames
          .slice(signalsBefore)
          .find(f => f.payload.includes('kargo:project:kargo-demo'));
        assert.ok(
          signal,
          `no signal on kargo:project:kargo-demo reached the page (${
            signalFrames.length
          } frames: ${signalFrames
            .slice(-3)
            .map(f => f.payload)
            .join(' | ')})`,
        );
        // …and the open tab shows the new Freight without a reload.
        let dev;
        for (let i = 0; i < 50; i++) {
          const rows = await tableCells('Stages');
          dev = rows.find(row => row[0] === 'dev');
          if (dev[2].includes(freight.alias) && dev[4] === 'Succeeded') break;
          await sleep(100);
        }
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
        const get = path => kargo('GET', path);
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
      // Reads only: after a restart, asking again is enough.
      async () => {},
    );

    // ---------------------------------------------------------------------
    // The portal's own views and actions, through the UI.

    const project = '/v1beta1/projects/kargo-demo';

    /** A drawer covers the window: the whole page would cut it apart. */
    const screenshot = async (name, { fullPage = true } = {}) => {
      await page.screenshot({ path: join(artifacts, name), fullPage });
      log(`screenshot: ${artifacts}/${name}`);
    };

    /** The outcome of the last action, above the pipeline. */
    const feedback = text =>
      page
        .getByRole('alert')
        .filter({ hasText: text })
        .first()
        .waitFor({ state: 'visible' });

    /** Waits until `check()` holds, reloading the page between tries. */
    const eventually = async (what, check, ms = 2 * STEP_MS) => {
      const deadline = Date.now() + ms;
      let last;
      for (;;) {
        try {
          return await check();
        } catch (error) {
          last = error;
        }
        assert.ok(
          Date.now() < deadline,
          `${what} within ${ms / 1000}s: ${last?.message}`,
        );
        await sleep(1000);
      }
    };

    /**
     * Every step of a Promotion ended well: Succeeded, or Skipped (a commit
     * step with nothing to commit, when the same Freight is promoted again).
     */
    const assertFinishedWell = statuses => {
      assert.ok(statuses.includes('Succeeded'), `step statuses: ${statuses}`);
      assert.deepEqual(
        statuses.filter(s => s !== 'Succeeded' && s !== 'Skipped'),
        [],
        `step statuses: ${statuses}`,
      );
    };

    const drawer = name => page.getByRole('dialog', { name, exact: true });
    const closeDrawer = async name => {
      await drawer(name)
        .getByRole('button', { name: `Close ${name}`, exact: true })
        .click();
      await drawer(name).waitFor({ state: 'hidden' });
    };

    step(
      'draws the pipeline as a graph',
      2 * STEP_MS + CATALOG_MS,
      async () => {
        await page.getByRole('button', { name: 'Graph', exact: true }).click();
        for (const stage of ['dev', 'staging', 'prod']) {
          await page
            .getByRole('group', { name: `Stage ${stage}`, exact: true })
            .waitFor({ state: 'visible' });
        }
        await screenshot('pipeline-graph.png');
        await page.getByRole('button', { name: 'List', exact: true }).click();
        await page.getByRole('table', { name: 'Stages' }).waitFor();
      },
      reopenPromotionsTab,
    );

    step(
      "opens dev's Stage drawer: the Promotion's steps and the verification",
      4 * STEP_MS + CATALOG_MS,
      async () => {
        await page
          .getByRole('button', { name: 'Open Stage dev', exact: true })
          .click();
        const dev = drawer('Stage dev');
        await dev.waitFor({ state: 'visible' });
        const steps = dev.getByRole('table', { name: /^Steps of dev\./ });
        await steps.locator('tbody tr').first().waitFor();
        const rows = await steps.evaluate(t =>
          [...t.tBodies[0].rows].map(r => r.cells[2].innerText.trim()),
        );
        assert.ok(rows.length >= 4, `steps: ${rows}`);
        assertFinishedWell(rows);
        await screenshot('stage-drawer-promotions.png', { fullPage: false });

        await dev.getByRole('tab', { name: 'Verifications' }).click();
        const metrics = dev.getByRole('table', { name: 'Metrics' });
        await metrics
          .getByRole('cell', { name: 'smoke', exact: true })
          .waitFor();
        assert.match(
          await metrics.locator('tbody tr').first().innerText(),
          /smoke\s+Successful\s+2 of 2 successful/,
        );
        await screenshot('stage-drawer-verifications.png', { fullPage: false });
        await closeDrawer('Stage dev');
      },
      reopenPromotionsTab,
    );

    step(
      'assembles Freight by hand from the oldest discovered commit (Warehouse drawer)',
      2 * STEP_MS,
      async () => {
        await page
          .getByRole('button', {
            name: 'Open Warehouse guestbook',
            exact: true,
          })
          .click();
        const warehouse = drawer('Warehouse guestbook');
        await warehouse
          .getByRole('table', { name: 'Conditions' })
          .getByRole('cell', { name: 'Ready', exact: true })
          .waitFor();
        await screenshot('warehouse-drawer.png', { fullPage: false });
        await warehouse.getByRole('tab', { name: 'Assemble Freight' }).click();
        await warehouse
          .getByRole('button', { name: /git guestbook-src/ })
          .click();
        await page.getByRole('option', { name: /guestbook 1\.0\.0/ }).click();
        const create = warehouse.getByRole('button', {
          name: 'Create Freight',
        });
        await eventually('Create Freight enabled', async () =>
          assert.ok(await create.isEnabled(), 'Create Freight is disabled'),
        );
        await create.click();
        const created = warehouse.getByText(
          /^Created Freight [a-z]+-[a-z]+\.$/,
        );
        await created.waitFor();
        state.handAlias = (await created.innerText()).match(
          /^Created Freight ([a-z]+-[a-z]+)\.$/,
        )[1];
        const freight = await kargo(
          'GET',
          `${project}/freight/${state.handAlias}`,
        );
        state.handFreight = freight.metadata.name;
        state.handCommit = freight.commits[0].id;
        log(`assembled Freight ${state.handAlias} (${state.handCommit})`);
        await closeDrawer('Warehouse guestbook');
      },
    );

    /** The Freight card of the hand-assembled Freight in the timeline. */
    const handCard = () =>
      page.getByRole('listitem', {
        name: `Freight ${state.handAlias}`,
        exact: true,
      });

    step(
      'approves that Freight for prod from the timeline',
      2 * STEP_MS,
      async () => {
        assert.ok(state.handAlias, 'no Freight was assembled');
        const stages = page.getByRole('table', { name: 'Stages' });
        await stages
          .getByRole('button', { name: 'Promote to prod', exact: true })
          .click();
        await page.getByText('Promoting to prod: choose Freight.').waitFor();
        const card = handCard();
        await card.getByText(/^Not available:/).waitFor();
        await card.getByRole('button', { name: 'Approve for prod' }).click();
        await feedback(`Approve ${state.handAlias} for prod: done`);
        await card
          .getByRole('button', { name: 'Promote to prod', exact: true })
          .waitFor();
        const freight = await kargo(
          'GET',
          `${project}/freight/${state.handFreight}`,
        );
        assert.ok(
          freight.status?.approvedFor?.prod,
          `approvedFor: ${JSON.stringify(freight.status?.approvedFor)}`,
        );
        await screenshot('freight-approved.png');
      },
    );

    step(
      'promotes it to prod through the promote dialog: prod runs it and the GitOps repository has the commit',
      4 * STEP_MS,
      async () => {
        await handCard()
          .getByRole('button', { name: 'Promote to prod', exact: true })
          .click();
        const dialog = page.getByRole('dialog', {
          name: `Promote ${state.handAlias} to prod`,
        });
        await dialog.getByRole('table', { name: 'Changes' }).waitFor();
        await screenshot('promote-dialog.png', { fullPage: false });
        await dialog
          .getByRole('button', { name: 'Promote', exact: true })
          .click();
        await dialog.waitFor({ state: 'hidden' });
        await feedback(`Promote ${state.handAlias} to prod: done`);
        // The tab polls (5 s while a Promotion runs): no reload needed.
        await eventually(
          'prod runs the Freight',
          async () => {
            const rows = await tableCells('Stages');
            const prod = rows.find(row => row[0] === 'prod');
            assert.ok(prod[2].includes(state.handAlias), `prod: ${prod[2]}`);
            assert.equal(prod[4], 'Succeeded');
          },
          3 * STEP_MS,
        );
        const gitDir = join(state.tmp, 'data', 'demo', 'guestbook-gitops.git');
        const subjects = execFileSync(
          'git',
          ['--git-dir', gitDir, 'log', '-20', '--format=%s', 'main'],
          { encoding: 'utf8' },
        );
        assert.ok(
          subjects
            .split('\n')
            .includes(`prod runs guestbook ${state.handCommit}`),
          `no commit "prod runs guestbook ${state.handCommit}" on main`,
        );
        log(`prod runs ${state.handAlias}`);
      },
    );

    step(
      "opens prod's Stage drawer: the Promotion and its steps",
      4 * STEP_MS + CATALOG_MS,
      async () => {
        await page
          .getByRole('button', { name: 'Open Stage prod', exact: true })
          .click();
        const prod = drawer('Stage prod');
        const promotions = prod.getByRole('table', { name: 'Promotions' });
        await promotions.locator('tbody tr').first().waitFor();
        const [newest] = await promotions.evaluate(t =>
          [...t.tBodies[0].rows].map(r =>
            [...r.cells].map(c => c.innerText.trim()),
          ),
        );
        assert.equal(newest[2], 'Succeeded', `newest Promotion: ${newest}`);
        assert.ok(newest[1].includes(state.handAlias), `Freight: ${newest[1]}`);
        const steps = prod.getByRole('table', {
          name: `Steps of ${newest[0]}`,
        });
        await steps.locator('tbody tr').first().waitFor();
        const statuses = await steps.evaluate(t =>
          [...t.tBodies[0].rows].map(r => r.cells[2].innerText.trim()),
        );
        assertFinishedWell(statuses);
        // The commit step's output and log.
        await steps
          .getByRole('button', { name: /^Output and log of / })
          .nth(2)
          .click();
        await prod.getByText('Log', { exact: true }).first().waitFor();
        await screenshot('stage-drawer-steps.png', { fullPage: false });
        await closeDrawer('Stage prod');
      },
      reopenPromotionsTab,
    );

    step(
      'aborts a running Promotion from the Stage drawer, which shows it live',
      3 * STEP_MS,
      async () => {
        // A Promotion that waits forever: an http step whose success and
        // failure conditions never hold (Kargo polls it again and again).
        const name = `prod.e2e-hold-${Date.now().toString(36)}`;
        await kargo('POST', '/v1beta1/resources', [
          {
            apiVersion: 'kargo.akuity.io/v1alpha1',
            kind: 'Promotion',
            metadata: { name, namespace: 'kargo-demo' },
            spec: {
              stage: 'prod',
              freight: state.handFreight,
              steps: [
                {
                  uses: 'http',
                  as: 'wait-forever',
                  config: {
                    url: `${urls.backendUrl}/api/kargo/health`,
                    successExpression: 'response.status == 599',
                    failureExpression: 'response.status == 598',
                  },
                },
              ],
            },
          },
        ]);
        log(`created Promotion ${name}, which never finishes`);
        await page
          .getByRole('button', { name: 'Open Stage prod', exact: true })
          .click();
        const prod = drawer('Stage prod');
        const steps = prod.getByRole('table', { name: `Steps of ${name}` });
        // Live: the drawer shows the step running without a reload.
        await eventually('the waiting step runs', async () => {
          const row = await steps
            .locator('tbody tr')
            .first()
            .innerText({ timeout: 5_000 });
          assert.match(row, /wait-forever \(http\)\s+Running/);
        });
        await screenshot('stage-drawer-running.png', { fullPage: false });
        await prod
          .getByRole('table', { name: 'Promotions' })
          .getByRole('row', { name: new RegExp(name) })
          .getByRole('button', { name: 'Abort', exact: true })
          .click();
        await feedback(`Abort ${name}: done`);
        await eventually('the Promotion is aborted', async () => {
          const promotion = await kargo('GET', `${project}/promotions/${name}`);
          assert.equal(promotion.status?.phase, 'Aborted');
        });
        await closeDrawer('Stage prod');
        log(`aborted ${name}`);
      },
    );

    step(
      'the Kargo page lists the projects and opens the same pipeline',
      4 * STEP_MS + CATALOG_MS,
      async () => {
        await page.goto(`${urls.appUrl}/kargo`, {
          waitUntil: 'domcontentloaded',
        });
        await page
          .getByRole('link', { name: 'kargo-demo', exact: true })
          .click();
        await page.waitForURL(/\/kargo\/kargo-demo$/);
        await page
          .getByText('Kargo project kargo-demo', { exact: true })
          .waitFor({ state: 'visible' });
        const rows = await tableCells('Stages');
        assert.deepEqual(
          rows.map(row => row[0]),
          ['dev', 'staging', 'prod'],
        );
        await screenshot('kargo-page.png');
      },
      openCatalog,
    );

    /** Signed in, in no group: the catalog does not know this user. */
    const VISITOR = 'user:default/visitor';

    step(
      'a user outside the production group may not promote to prod: the button says why, the server refuses, and the audit says who promoted there',
      6 * STEP_MS + 2 * CATALOG_MS,
      async () => {
        assert.ok(state.handFreight, 'no Freight was promoted to prod');
        // Locally the guest is in the operator and the production groups
        // (app-config.yaml). From now on the guest sign-in signs in another
        // user, who is in neither: the portal's policy lets them read, not
        // promote to a production Stage. The last step: it stays so until
        // the portal stops.
        const buildsBefore = restarts();
        setGuestUser(VISITOR);
        let visitor;
        await eventually(
          'the guest sign-in signs in the visitor',
          async () => {
            visitor = await guestSignIn(urls.backendUrl, STEP_MS);
            assert.equal(visitor.identity.userEntityRef, VISITOR);
          },
          STEP_MS,
        );
        log(`signed in as ${VISITOR}: ${visitor.identity.ownershipEntityRefs}`);
        // The dev server rebuilds the frontend for the new configuration and
        // reloads open pages: let it finish before opening one.
        for (
          const deadline = Date.now() + STEP_MS;
          restarts() === buildsBefore && Date.now() < deadline;

        ) {
          await sleep(500);
        }

        // The server: the visitor reads prod, and may not promote to it.
        const asVisitor = kargoApi(
          urls.backendUrl,
          () => visitor.token,
          STEP_MS,
        );
        const prodPromotions = async () =>
          (
            await asVisitor('GET', `${project}/promotions?stage=prod&limit=100`)
          ).items.map(p => p.metadata.name);
        const before = await prodPromotions();
        const refused = await fetch(
          `${urls.backendUrl}/api/kargo${project}/stages/prod/promotions`,
          {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${visitor.token}`,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify({ freight: state.handFreight }),
            signal: AbortSignal.timeout(STEP_MS),
          },
        );
        const refusal = await refused.text();
        assert.equal(refused.status, 403, refusal);
        assert.equal(JSON.parse(refusal).error?.name, 'NotAllowedError');
        assert.deepEqual(await prodPromotions(), before);
        log(`the server refuses ${VISITOR}'s promotion to prod: 403`);

        // The browser: a fresh session, signed in as the visitor.
        // Wide enough for the Stages table to show its names beside the
        // buttons.
        const context = await state.browser.newContext({
          viewport: { width: 1600, height: 900 },
        });
        context.setDefaultTimeout(STEP_MS);
        context.setDefaultNavigationTimeout(STEP_MS);
        page = await context.newPage();
        state.page = page;
        // A sign-in the dev server's reload (or a restart) cut short fails
        // in the page: start again.
        for (let attempt = 1; ; attempt++) {
          try {
            await reopenPromotionsTab();
            break;
          } catch (error) {
            if (attempt === 3) throw error;
            log(
              `opening the tab as ${VISITOR} failed: again. ` +
                error.message.split('\n')[0],
            );
          }
        }
        const promote = page
          .getByRole('table', { name: 'Stages' })
          .getByRole('button', { name: 'Promote to prod', exact: true });
        // A disabled button takes no pointer: its wrapper has the tooltip.
        await promote.locator('xpath=..').hover();
        const tooltip = page.getByRole('tooltip').filter({
          hasText: 'You lack the kargo.stage.promote permission on Stage prod',
        });
        await tooltip.waitFor({ state: 'visible' });
        assert.ok(await promote.isDisabled(), 'Promote to prod is enabled');
        // Grown in: legible in the screenshot.
        await eventually('the tooltip shows', async () =>
          assert.equal(
            await tooltip.evaluate(
              el => getComputedStyle(el.firstElementChild ?? el).opacity,
            ),
            '1',
          ),
        );
        await screenshot('promote-denied.png', { fullPage: false });

        // Who did promote to prod and approve the Freight for it: the guest.
        await page
          .getByRole('button', { name: 'Open Stage prod', exact: true })
          .click();
        const prod = drawer('Stage prod');
        await prod.getByRole('tab', { name: 'Audit' }).click();
        const rows = await tableCells('Audit trail');
        const said = rows.map(row => `${row[1]}: ${row[2]}`);
        const alias = state.handAlias;
        for (const expected of [
          new RegExp(`^guest: promoted ${alias} \\(.*\\) — Succeeded$`),
          new RegExp(`^guest: promoted ${alias} \\(.*\\) — Aborted$`),
          new RegExp(
            `^guest: approved Freight ${alias} \\(.*\\) for this Stage$`,
          ),
        ]) {
          assert.ok(
            said.some(line => expected.test(line)),
            `${expected} in prod's audit trail:\n${said.join('\n')}`,
          );
        }
        await screenshot('stage-drawer-audit.png', { fullPage: false });
        await closeDrawer('Stage prod');
      },
    );
  });
}
