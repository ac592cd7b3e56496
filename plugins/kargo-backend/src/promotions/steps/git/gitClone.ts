import type { JsonObject } from '@backstage/types';
import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { mkdir, readdir, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { displayURL } from '../../../warehouses/discovery/git/gitErrors';
import { addCheckout, ensureBranch, validateSparse } from './checkout';
import {
  CLONES_DIR,
  cloneStateDir,
  discardEarlierAttempt,
  journalCheckout,
} from './cloneState';
import { GitStepDeps } from './deps';
import { cloneDirectly, clonesDirectly } from './directClone';
import { GitSession } from './gitSession';
import { gitCloneSchema, GitCloneConfig } from './schemas';
import { KARGO_DEFAULT_IDENTITY } from './workTree';

/**
 * Kargo's git-clone: one bare clone, a working tree per checkout; or, for
 * a single checkout of a branch, a clone straight into it (directClone.ts).
 */
export function createGitCloneStep(deps: GitStepDeps): PromotionStepRunner {
  return {
    name: 'git-clone',
    configSchema: gitCloneSchema,
    run: ctx => cloneRepository(deps, ctx),
  };
}

/** Checks what the schema cannot, before anything touches the disk. */
async function planCheckouts(
  ctx: PromotionStepContext,
  config: GitCloneConfig,
) {
  const aliases = new Set<string>();
  const targets = new Set<string>();
  const planned = [];
  const root = await realpath(ctx.workDir);
  for (const [i, checkout] of config.checkout.entries()) {
    if (checkout.as) {
      if (aliases.has(checkout.as)) {
        throw new TerminalStepError(
          `duplicate checkout alias "${checkout.as}" at checkout[${i}]`,
        );
      }
      aliases.add(checkout.as);
    }
    const dir = await ctx.resolvePath(checkout.path);
    const rel = relative(root, dir);
    if (rel === '' || rel === CLONES_DIR || rel.startsWith(`${CLONES_DIR}/`)) {
      throw new TerminalStepError(
        `checkout[${i}].path: "${checkout.path}" is reserved; choose a sub-directory such as ./out`,
      );
    }
    if (targets.has(dir)) {
      throw new TerminalStepError(
        `checkout[${i}].path: "${checkout.path}" is used by another checkout`,
      );
    }
    targets.add(dir);
    validateSparse(i, checkout.sparse);
    const entries = await readdir(dir).catch(() => []);
    if (entries.length > 0) {
      throw new TerminalStepError(
        `checkout[${i}].path: "${checkout.path}" already exists and is not empty`,
      );
    }
    planned.push({ checkout, dir, key: checkout.as || checkout.path });
  }
  return planned;
}

async function cloneRepository(
  deps: GitStepDeps,
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const config = ctx.config as unknown as GitCloneConfig;
  if (config.author?.signingKey) {
    throw new TerminalStepError(
      'author.signingKey: signing commits is not supported by this Kargo backend',
    );
  }
  const relState = cloneStateDir(ctx.alias);
  const removed = await discardEarlierAttempt(ctx, relState);
  if (removed.length > 0) {
    ctx.log(
      `Removed checkouts left by an earlier attempt: ${removed.join(', ')}`,
    );
  }
  const planned = await planCheckouts(ctx, config);
  const stateDir = await ctx.resolvePath(relState);
  await mkdir(stateDir, { recursive: true });

  const url = displayURL(config.repoURL);
  const auth = await deps.credentials.lookup('git', config.repoURL);
  const session = await GitSession.open(
    deps.toolbox,
    ctx.workDir,
    ctx.signal,
    auth,
  );
  const bareDir = join(stateDir, 'repo.git');
  // Settings for this clone and every working tree of it, as Kargo keeps
  // them in the clone's private "global" configuration; `clone -c` writes
  // them into the new repository (no `git config` process of their own).
  const identity = config.author
    ? { name: config.author.name, email: config.author.email }
    : deps.author ?? KARGO_DEFAULT_IDENTITY;
  const settings: Array<[string, string]> = [
    ['user.name', identity.name],
    ['user.email', identity.email],
  ];
  if (config.insecureSkipTLSVerify) settings.push(['http.sslVerify', 'false']);
  const insecure = config.insecureSkipTLSVerify
    ? ['-c', 'http.sslVerify=false']
    : [];
  const cloneArgs = [
    ...insecure,
    'clone',
    '--quiet',
    ...settings.flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ...(config.blobless ? ['--filter=blob:none'] : []),
  ];
  if (clonesDirectly(config.checkout)) {
    const [{ checkout, dir, key }] = planned;
    await journalCheckout(stateDir, [checkout.path]);
    const commit = await cloneDirectly(ctx, session, {
      cloneArgs,
      repoURL: config.repoURL,
      dir,
      checkout,
      recurseSubmodules: config.recurseSubmodules ?? false,
    });
    if (commit)
      return { status: 'Succeeded', output: { commits: { [key]: commit } } };
  }
  await session.run([...cloneArgs, '--bare', '--', config.repoURL, bareDir], {
    cwd: stateDir,
    operation: `cloning ${url}`,
    remoteURL: config.repoURL,
  });
  ctx.log(`Cloned ${url}${config.blobless ? ' (blobless)' : ''}`);

  const commits: JsonObject = {};
  const journal: string[] = [];
  for (const [i, { checkout, dir, key }] of planned.entries()) {
    const branch = checkout.branch
      ? await ensureBranch(ctx, session, {
          bareDir,
          repoURL: config.repoURL,
          branch: checkout.branch,
          create: checkout.create ?? false,
          identity,
          field: `checkout[${i}].branch`,
        })
      : undefined;
    journal.push(checkout.path);
    await journalCheckout(stateDir, journal);
    commits[key] = await addCheckout(ctx, session, {
      bareDir,
      dir,
      checkout,
      ref: branch?.name,
      head: branch?.commit,
      recurseSubmodules: config.recurseSubmodules ?? false,
      repoURL: config.repoURL,
    });
  }
  return { status: 'Succeeded', output: { commits } };
}
