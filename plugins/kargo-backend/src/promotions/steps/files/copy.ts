import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import type { Stats } from 'node:fs';
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  realpath,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { copySchema } from './configSchemas';
import { isNotFound } from './fileIo';
import { ignoreMatcher, walkTree } from './walkTree';

/**
 * A destination directory, checked through the path guard: a directory
 * that already exists in the destination may be a symlink (a cloned repo
 * can hold any), and nothing may be written through one leading outside.
 */
async function guardedDirectory(
  ctx: PromotionStepContext,
  absolutePath: string,
  mode: number,
): Promise<void> {
  const root = await realpath(ctx.workDir);
  await ctx.resolvePath(relative(root, absolutePath) || '.');
  await mkdir(absolutePath, { recursive: true, mode: mode & 0o777 });
}

/** Copies one regular file; a symlink in the destination's place is replaced, not written through. */
async function copyRegularFile(
  from: string,
  to: string,
  mode: number,
): Promise<void> {
  const existing = await lstat(to).catch(error => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink()) await rm(to);
  if (existing?.isDirectory()) {
    throw new TerminalStepError(`cannot copy a file over the directory ${to}`);
  }
  await copyFile(from, to);
  await chmod(to, mode & 0o7777);
}

async function copyDirectory(
  ctx: PromotionStepContext,
  from: string,
  to: string,
  info: Stats,
  ignored: (path: string, isDirectory: boolean) => boolean,
): Promise<number> {
  await guardedDirectory(ctx, to, info.mode);
  // Copying a directory into itself must not copy the copy.
  const destinationInside = (to + sep).startsWith(from + sep);
  let files = 0;
  const walk = walkTree(ctx, from, (relativePath, entry) => {
    const source = join(from, relativePath);
    return (
      ignored(relativePath, entry.isDirectory()) ||
      (destinationInside && source === to)
    );
  });
  for await (const { absolutePath, relativePath, entry } of walk) {
    const target = join(to, relativePath);
    if (entry.isDirectory()) {
      await guardedDirectory(ctx, target, (await stat(absolutePath)).mode);
    } else if (entry.isFile()) {
      await copyRegularFile(
        absolutePath,
        target,
        (
          await stat(absolutePath)
        ).mode,
      );
      files++;
    } else {
      // Symlinks and special files are skipped, as Kargo skips them.
      ctx.log(`skipping ${relativePath}: not a regular file or directory`);
    }
  }
  return files;
}

/**
 * `copy`: copies a file or a directory tree (merged into an existing
 * destination directory, files overwritten) with permissions kept.
 * `ignore` takes .gitignore patterns relative to inPath; `.git` is always
 * ignored. Symbolic links inside the tree are skipped, never followed.
 */
export const copyStep: PromotionStepRunner = {
  name: 'copy',
  configSchema: copySchema,
  async run(ctx) {
    const inPath = ctx.config.inPath as string;
    const outPath = ctx.config.outPath as string;
    const from = await ctx.resolvePath(inPath);
    const to = await ctx.resolvePath(outPath);
    const ignored = ignoreMatcher(ctx.config.ignore as string | undefined, [
      '.git',
    ]);
    // inPath itself may be a link inside the work directory: copy its target.
    const info = await stat(from).catch(error => {
      if (isNotFound(error)) {
        throw new TerminalStepError(`inPath: "${inPath}" does not exist`);
      }
      throw error;
    });

    if (from === to) {
      ctx.log(`inPath and outPath are the same; nothing to copy`);
    } else if (info.isDirectory()) {
      const files = await copyDirectory(ctx, from, to, info, ignored);
      ctx.log(`copied ${files} file(s) from ${inPath} to ${outPath}`);
    } else if (ignored(basename(from), false)) {
      ctx.log(`${inPath} matches an ignore pattern; nothing copied`);
    } else if (info.isFile()) {
      await guardedDirectory(ctx, dirname(to), 0o700);
      await copyRegularFile(from, to, info.mode);
      ctx.log(`copied ${inPath} to ${outPath}`);
    } else {
      throw new TerminalStepError(
        `inPath: "${inPath}" is not a file or directory`,
      );
    }
    return { status: 'Succeeded' };
  },
};
