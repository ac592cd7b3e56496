#!/usr/bin/env node
// Prepares the local demo: two Git repositories under data/demo/ (the
// guestbook's source, and its GitOps repository with one folder per
// environment) and the demo pipeline's manifests pointing at them.
// Safe to run again: existing repositories are kept as they are.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// KARGO_DEMO_DIR puts the demo elsewhere (the end-to-end test uses a temp dir).
const demoDir = resolve(process.env.KARGO_DEMO_DIR ?? join(root, 'data', 'demo'));
mkdirSync(demoDir, { recursive: true });

const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Demo Developer',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'Demo Developer',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
    },
  }).toString();

/** Creates a bare repository filled by `fill(workTree)`, unless it exists. */
function createRepo(name, fill) {
  const bare = join(demoDir, `${name}.git`);
  if (existsSync(bare)) {
    return false;
  }
  const work = mkdtempSync(join(tmpdir(), `kargo-demo-${name}-`));
  try {
    git(work, 'init', '-q', '-b', 'main');
    fill(work);
    git(root, 'clone', '-q', '--bare', work, bare);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return true;
}

const commit = (work, message, files) => {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
};

const srcCreated = createRepo('guestbook-src', work => {
  const releases = ['1.0.0', '1.1.0', '1.2.0'];
  for (const version of releases) {
    commit(work, `guestbook ${version}`, {
      VERSION: `${version}\n`,
      'src/index.html': `<h1>Guestbook ${version}</h1>\n`,
    });
    git(work, 'tag', `v${version}`);
  }
});

const gitopsCreated = createRepo('guestbook-gitops', work => {
  const files = {};
  for (const env of ['dev', 'staging', 'prod']) {
    files[`env/${env}/values.yaml`] = [
      `# Desired state of the guestbook in ${env}; written by Kargo promotions.`,
      'app:',
      '  name: guestbook',
      `  environment: ${env}`,
      '  revision: none # set by promotion',
      '',
    ].join('\n');
  }
  commit(work, 'Environments for the guestbook', files);
});

const template = readFileSync(
  join(root, 'examples', 'kargo', 'demo-pipeline.yaml'),
  'utf8',
);
// The portal's backend serves data/demo over HTTP (demo.git.root).
const gitBaseUrl =
  process.env.KARGO_DEMO_GIT_URL ?? 'http://localhost:7007/api/demo-git';
writeFileSync(
  join(demoDir, 'pipeline.yaml'),
  template.replaceAll('__DEMO_GIT__', gitBaseUrl),
);

console.log(
  `Demo ready in ${demoDir}: guestbook-src.git (${
    srcCreated ? 'created' : 'kept'
  }), ` +
    `guestbook-gitops.git (${
      gitopsCreated ? 'created' : 'kept'
    }), pipeline.yaml`,
);
