// The portal as `npm start` runs it, isolated for a test or a benchmark:
// `backstage-cli repo start` from the repository root, with the demo and the
// SQLite files in a temporary folder and the backend and the frontend on free
// loopback ports (an extra config file, app-config.e2e.yaml, says so).
//
// Everything it starts runs in its own process group, which stopPortal()
// stops (SIGTERM, then SIGKILL); removeTmp() removes the temporary folder.
// Both also run when the process exits early (Ctrl-C).
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

export const root = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
);
export const artifacts = join(root, 'e2e', 'artifacts');
export const chromiumPath =
  process.env.KARGO_TEST_CHROMIUM || '/usr/bin/chromium';

/** Bounds, in milliseconds. */
export const STARTUP_MS = Number(process.env.KARGO_E2E_STARTUP_MS) || 180_000;
export const STOP_MS = 15_000;

export const CHROMIUM_ARGS = [
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
export const log = message =>
  console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

// ---------------------------------------------------------------------------
// The portal's processes and temporary folder, and their clean-up.

export const state = {
  tmp: undefined,
  pgid: undefined,
  child: undefined,
  exited: undefined, // { code, signal } once `backstage-cli` exited
  logFile: join(artifacts, 'portal.log'),
  browser: undefined,
  page: undefined,
  config: undefined, // { path, text } of app-config.e2e.yaml
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
export async function stopPortal() {
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

export function removeTmp() {
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

/**
 * Who the guest sign-in signs in from now on: `userEntityRef` (a user the
 * catalog does not know holds no group, and so only the claims of that
 * ref), or the portal's own guest again when undefined. The backend reads
 * its configuration files again when they change (no restart), and the
 * guest provider reads `auth.providers.guest.userEntityRef` at each
 * sign-in; the frontend's dev server rebuilds and reloads open pages.
 */
export function setGuestUser(userEntityRef) {
  assert.ok(state.config, 'the portal is not started');
  const extra = userEntityRef
    ? [
        'auth:',
        '  providers:',
        '    guest:',
        `      userEntityRef: ${JSON.stringify(userEntityRef)}`,
        '',
      ].join('\n')
    : '';
  writeFileSync(state.config.path, state.config.text + extra);
}

/**
 * Builds the app as a deployment does (packages/app/dist: minified, React's
 * production build); the backend's app plugin serves it. About 90 s.
 */
export function buildApp() {
  const started = Date.now();
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', '.bin', 'backstage-cli'), 'package', 'build'],
    {
      cwd: join(root, 'packages', 'app'),
      timeout: 600_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  );
  log(`built packages/app in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Starts the portal. By default as `npm start` does (`repo start`: the
 * backend and the frontend's development server). With `production`, the
 * backend alone (`package start` in packages/backend), serving the app
 * built by buildApp() from its own origin, as a deployed portal does.
 * `extraConfig`: more top-level configuration (YAML) for this portal.
 */
export async function startPortal({
  production = false,
  extraConfig = '',
} = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'kargo-e2e-'));
  state.tmp = tmp;
  const [backendPort, appPort] = await freePorts(2);
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const appUrl = production ? backendUrl : `http://127.0.0.1:${appPort}`;
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
  state.config = {
    path: config,
    text: [
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
      // More top-level keys (YAML), e.g. the benchmark's catalog.
      extraConfig,
      '',
    ].join('\n'),
  };
  writeFileSync(config, state.config.text);

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
        ...(production ? ['package', 'start'] : ['repo', 'start']),
        '--config',
        join(root, 'app-config.yaml'),
        '--config',
        config,
      ],
      {
        cwd: production ? join(root, 'packages', 'backend') : root,
        env,
        detached: true,
        stdio: ['ignore', out, out],
      },
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
export async function waitReady({ backendUrl, appUrl }) {
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
export function restarts() {
  const text = existsSync(state.logFile)
    ? readFileSync(state.logFile, 'utf8')
    : '';
  const backend = text.match(/Change detected, restarting/g)?.length ?? 0;
  const builds = text.match(/Rspack compiled/g)?.length ?? 0;
  return backend + Math.max(0, builds - 1);
}

// ---------------------------------------------------------------------------
// Chromium and the Kargo API, as the test and the benchmark use them.

/** Headless Chromium (KARGO_TEST_CHROMIUM), with a fresh temporary profile. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
    timeout: 50_000,
  });
}

/**
 * A caller of the portal's Kargo API (`/api/kargo`) with the Backstage token
 * `token()` answers: JSON in and out; an answer that is not OK fails with the
 * method, path, status and body.
 */
export function kargoApi(backendUrl, token, timeoutMs) {
  return async (method, path, body) => {
    const response = await fetch(`${backendUrl}/api/kargo${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token()}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
}

/**
 * Signs in with the guest provider as the app does, from the test: the
 * Backstage identity (`token`, `identity.userEntityRef` and
 * `identity.ownershipEntityRefs`).
 */
export async function guestSignIn(backendUrl, timeoutMs) {
  const response = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  assert.ok(response.ok, `guest sign-in: ${response.status} ${text}`);
  return JSON.parse(text).backstageIdentity;
}
