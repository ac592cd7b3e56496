import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { GitStepDeps } from './deps';
import { GitSession } from './gitSession';
import { gitTagSchema, GitTagConfig } from './schemas';
import {
  headCommit,
  KARGO_DEFAULT_IDENTITY,
  openWorkTree,
  repositoryIdentity,
} from './workTree';

/**
 * Kargo's git-tag: an annotated tag on HEAD. An existing tag is an error
 * unless `force`. A repeated attempt (after an error or a crash) that finds
 * the tag already on HEAD with the same message takes it as its own.
 */
export function createGitTagStep(deps: GitStepDeps): PromotionStepRunner {
  return {
    name: 'git-tag',
    configSchema: gitTagSchema,
    run: ctx => createTag(deps, ctx),
  };
}

async function createTag(
  deps: GitStepDeps,
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const config = ctx.config as unknown as GitTagConfig;
  const session = await GitSession.open(deps.toolbox, ctx.workDir, ctx.signal);
  const wt = await openWorkTree(ctx, session, config.path);
  const local = { cwd: wt.dir, operation: `creating tag ${config.tag}` };
  const valid = await session.exec(
    ['check-ref-format', `refs/tags/${config.tag}`],
    local,
  );
  if (valid.code !== 0 || config.tag.startsWith('-')) {
    throw new TerminalStepError(`tag: "${config.tag}" is not a valid tag name`);
  }
  const head = wt.head ?? (await headCommit(session, wt));
  if (ctx.resumed || ctx.attempt > 1) {
    const existing = await session.exec(
      [
        'for-each-ref',
        '--format=%(*objectname)%00%(contents)',
        `refs/tags/${config.tag}`,
      ],
      local,
    );
    const [target, contents] = existing.stdout.split('\0');
    if (target === head && contents?.trim() === config.message.trim()) {
      ctx.log(`Tag ${config.tag} already points at ${head} (earlier attempt)`);
      return { status: 'Succeeded', output: { commit: head } };
    }
  }
  const identity = repositoryIdentity(
    wt,
    deps.author ?? KARGO_DEFAULT_IDENTITY,
  );
  const result = await session.exec(
    [
      'tag',
      '--annotate',
      ...(config.force ? ['--force'] : []),
      '-m',
      config.message,
      '--end-of-options',
      config.tag,
    ],
    { ...local, identity },
  );
  if (result.code !== 0) {
    if (/already exists/.test(result.stderr)) {
      throw new TerminalStepError(
        `tag "${config.tag}" already exists in ${config.path}; set force: true to move it`,
      );
    }
    throw session.failure(result, local);
  }
  ctx.log(`Tagged ${head} as ${config.tag}`);
  return { status: 'Succeeded', output: { commit: head } };
}
