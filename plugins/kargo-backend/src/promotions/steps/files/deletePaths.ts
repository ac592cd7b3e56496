import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { lstat, realpath, rm } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import picomatch from 'picomatch';
import { deleteSchema } from './configSchemas';
import { isNotFound } from './fileIo';
import { walkTree } from './walkTree';

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * The absolute path `path` names. Its directory goes through the path
 * guard; its last part does not need to, as a symlink there is deleted
 * as a link, wherever it points.
 */
async function literalTarget(
  ctx: PromotionStepContext,
  path: string,
): Promise<string> {
  const normalized = posix.normalize(path).replace(/\/+$/, '');
  const name = basename(normalized);
  if (normalized === '.' || normalized === '' || name === '..') {
    throw new TerminalStepError(
      `"${path}" names the work directory or leads outside it`,
    );
  }
  return join(await ctx.resolvePath(dirname(normalized)), name);
}

/** What a glob matches, found by walking (never through symlinks) from its static prefix. */
async function globTargets(
  ctx: PromotionStepContext,
  pattern: string,
): Promise<string[]> {
  const glob = pattern.replace(/^(\.\/)+/, '');
  if (glob.startsWith('/') || glob.split('/').includes('..')) {
    throw new TerminalStepError(
      `invalid glob pattern "${pattern}": it must stay inside the work directory`,
    );
  }
  const matches = picomatch(glob, { dot: true });
  const base = picomatch.scan(glob).base;
  const root = await realpath(ctx.workDir);
  const start = base ? await ctx.resolvePath(base) : root;
  const found: string[] = [];
  // The work directory itself is never a target.
  if (base && start !== root && matches(base)) found.push(start);
  if (!(await exists(start)) || !(await lstat(start)).isDirectory())
    return found;
  const prefix = base ? `${base}/` : '';
  for await (const { absolutePath, relativePath } of walkTree(ctx, start)) {
    if (matches(prefix + relativePath)) found.push(absolutePath);
  }
  return found;
}

/**
 * `delete`: removes files, directories (recursively) and symlinks (the
 * link, not what it points at). With `pathsAreGlobs`, entries are glob
 * patterns (`**`, `*.yaml`, dot files included). With `strict`, a path that
 * does not exist, or a glob that matches nothing, fails the step, except on
 * a resumed attempt, whose interrupted predecessor may have deleted it.
 */
export const deleteStep: PromotionStepRunner = {
  name: 'delete',
  configSchema: deleteSchema,
  async run(ctx) {
    const paths = [
      ...(typeof ctx.config.path === 'string' ? [ctx.config.path] : []),
      ...((ctx.config.paths as string[] | undefined) ?? []),
    ];
    const globs = ctx.config.pathsAreGlobs === true;
    const strict = ctx.config.strict === true;
    const targets = new Set<string>();
    for (const path of paths) {
      const found = globs
        ? await globTargets(ctx, path)
        : [await literalTarget(ctx, path)];
      const present: string[] = [];
      for (const target of found)
        if (await exists(target)) present.push(target);
      if (present.length === 0) {
        const what = globs
          ? `no paths matched pattern "${path}"`
          : `path "${path}" does not exist`;
        if (strict && !ctx.resumed) throw new TerminalStepError(what);
        ctx.log(what);
      }
      present.forEach(target => targets.add(target));
    }
    for (const target of targets) {
      // An earlier target may have been a parent directory of this one.
      await rm(target, { recursive: true, force: true });
    }
    ctx.log(`deleted ${targets.size} path(s)`);
    return { status: 'Succeeded' };
  },
};
