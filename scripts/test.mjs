#!/usr/bin/env node
// `npm test`: runs every package's tests (Jest through the Backstage CLI),
// then, when they pass, the portal's end-to-end test (e2e/*.e2e.mjs: starts
// the portal as `npm start` does and drives Chromium; `npm run test:e2e`).
// Arguments go to Jest; with arguments, the end-to-end test is left out.
//
// Tests that need a server (PostgreSQL, the OCI registry, Chromium) find it
// through the variables that scripts/test-servers.sh writes to
// .test-servers.env. A missing server makes those tests skip with a loud
// message; under CI=true it is a failure instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const envFile = join(root, '.test-servers.env');
if (existsSync(envFile)) {
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]] === undefined) {
      process.env[match[1]] = match[2];
    }
  }
}

const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const pgVar = Object.keys(process.env).find(k =>
  /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
);
const chromium = process.env.KARGO_TEST_CHROMIUM || '/usr/bin/chromium';
const servers = [
  {
    name: 'PostgreSQL',
    ok: Boolean(pgVar),
    detail:
      pgVar ?? 'no BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING',
    skipped: 'store, router and migration tests run on SQLite only',
  },
  {
    name: 'OCI registry',
    ok: Boolean(process.env.KARGO_TEST_REGISTRY),
    detail: process.env.KARGO_TEST_REGISTRY ?? 'no KARGO_TEST_REGISTRY',
    skipped: 'registry tests are skipped',
  },
  {
    name: 'Chromium',
    ok: existsSync(chromium),
    detail: existsSync(chromium) ? chromium : `${chromium} not found`,
    skipped: 'browser tests are skipped',
  },
];

const missing = servers.filter(s => !s.ok);
for (const s of servers) {
  console.log(
    `test servers: ${s.ok ? 'OK     ' : 'MISSING'} ${s.name}: ${s.detail}`,
  );
}
if (missing.length) {
  const banner = '!'.repeat(78);
  console.warn(
    [
      banner,
      `!! Missing test servers: ${missing.map(s => s.name).join(', ')}`,
      ...missing.map(s => `!!   ${s.name}: ${s.skipped}`),
      '!! Start them with: npm run servers   (scripts/test-servers.sh, as root)',
      banner,
    ].join('\n'),
  );
  if (ci) {
    console.error('CI=true: a missing test server is a failure, not a skip.');
    process.exit(1);
  }
}

const args = process.argv.slice(2);
const result = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', '.bin', 'backstage-cli'),
    'repo',
    'test',
    ...args,
  ],
  {
    stdio: 'inherit',
    cwd: root,
    env: {
      ...process.env,
      // Non-interactive Jest; servers missing under a real CI fail the tests.
      CI: process.env.CI ?? 'true',
      KARGO_TEST_STRICT: ci ? '1' : '',
      BACKSTAGE_TEST_DISABLE_DOCKER: '1',
    },
  },
);
if (result.status !== 0 || args.length) {
  if (result.status === 0) {
    console.log(
      'e2e: left out (arguments given); run it with npm run test:e2e',
    );
  }
  process.exit(result.status ?? 1);
}

// The end-to-end test, under node's own test runner. It skips with a loud
// message without Chromium, unless KARGO_TEST_STRICT=1 (set under CI=true).
const e2eFiles = readdirSync(join(root, 'e2e'))
  .filter(name => name.endsWith('.e2e.mjs'))
  .sort()
  .map(name => join('e2e', name));
if (!e2eFiles.length) {
  console.error('e2e: no e2e/*.e2e.mjs file found');
  process.exit(1);
}
console.log(`\ne2e: node --test ${e2eFiles.join(' ')}`);
const e2e = spawnSync(process.execPath, ['--test', ...e2eFiles], {
  stdio: 'inherit',
  cwd: root,
  env: {
    ...process.env,
    KARGO_TEST_STRICT: ci || process.env.KARGO_TEST_STRICT === '1' ? '1' : '',
  },
});
process.exit(e2e.status ?? 1);
