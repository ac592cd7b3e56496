import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GitStepDeps } from './deps';
import { GitSession } from './gitSession';
import { gitClearSchema, GitClearConfig } from './schemas';
import { openWorkTree } from './workTree';

/**
 * Kargo's git-clear: empties a working tree except for `.git`, with the
 * removals staged (Kargo runs `git add . && git rm -rf .`). Unlike Kargo's,
 * ignored and untracked files go too: the tree is empty afterwards.
 * Files outside a sparse checkout's cone are not on disk and stay in the
 * index, as with Kargo.
 */
export function createGitClearStep(deps: GitStepDeps): PromotionStepRunner {
  return {
    name: 'git-clear',
    configSchema: gitClearSchema,
    run: ctx => clearWorkTree(deps, ctx),
  };
}

async function clearWorkTree(
  deps: GitStepDeps,
  ctx: PromotionStepContext,
): Promise<PromotionStepResult> {
  const config = ctx.config as unknown as GitClearConfig;
  const session = await GitSession.open(deps.toolbox, ctx.workDir, ctx.signal);
  const wt = await openWorkTree(ctx, session, config.path);
  const entries = (await readdir(wt.dir)).filter(name => name !== '.git');
  for (const name of entries) {
    // rm does not follow symbolic links: a link is removed, not its target.
    await rm(join(wt.dir, name), { recursive: true, force: true });
  }
  await session.run(['add', '--all', '.'], {
    cwd: wt.dir,
    operation: `staging the removals in ${config.path}`,
  });
  ctx.log(`Removed ${entries.length} entries from ${config.path}`);
  return { status: 'Succeeded' };
}
