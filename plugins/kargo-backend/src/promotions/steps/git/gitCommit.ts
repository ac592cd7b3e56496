import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { GitStepDeps } from './deps';
import { GitSession } from './gitSession';
import { gitCommitSchema, GitCommitConfig } from './schemas';
import {
  headCommit,
  KARGO_DEFAULT_IDENTITY,
  openWorkTree,
  repositoryIdentity,
} from './workTree';

/**
 * Kargo's git-commit: stages everything in the working tree and commits it.
 * With nothing to commit it makes no commit and is Skipped, its output the
 * current HEAD, as Kargo does. That is also what makes it safe to run again
 * after a crash: the commit an earlier attempt made left the tree clean.
 */
export function createGitCommitStep(deps: GitStepDeps): PromotionStepRunner {
  return {
    name: 'git-commit',
    configSchema: gitCommitSchema,
    run: ctx => commitChanges(deps, ctx),
  };
}

async function commitChanges(
  deps: GitStepDeps,
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const config = ctx.config as unknown as GitCommitConfig;
  if (config.author?.signingKey) {
    throw new TerminalStepError(
      'author.signingKey: signing commits is not supported by this Kargo backend',
    );
  }
  const session = await GitSession.open(deps.toolbox, ctx.workDir, ctx.signal);
  const wt = await openWorkTree(ctx, session, config.path);
  const local = { cwd: wt.dir, operation: `committing in ${config.path}` };
  await session.run(['add', '--all', '.'], local);
  const identity = config.author
    ? { name: config.author.name, email: config.author.email }
    : repositoryIdentity(wt, deps.author ?? KARGO_DEFAULT_IDENTITY);
  // Commit straight away; only when git refuses does `git status` tell
  // "nothing to commit" (Skipped) from a real failure. One process less
  // whenever there is something to commit.
  const committed = await session.exec(
    ['commit', '--quiet', '-m', config.message],
    { ...local, identity },
  );
  if (committed.code !== 0) {
    const status = await session.run(
      ['status', '--porcelain', '--untracked-files=all'],
      local,
    );
    if (status !== '') throw session.failure(committed, local);
    const head = wt.head ?? (await headCommit(session, wt));
    ctx.log(`Nothing to commit in ${config.path}; HEAD is ${head}`);
    return {
      status: 'Skipped',
      message: 'no changes to commit',
      output: { commit: head },
    };
  }
  const head = await headCommit(session, wt);
  ctx.log(
    `Committed ${head} in ${config.path} as ${identity.name} <${identity.email}>`,
  );
  return { status: 'Succeeded', output: { commit: head } };
}
