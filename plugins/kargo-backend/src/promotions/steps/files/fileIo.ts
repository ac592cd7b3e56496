import {
  TerminalStepError,
  type PromotionStepContext,
} from '@kargo-backstage/plugin-kargo-node';
import { randomBytes } from 'node:crypto';
import {
  chmod,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR';
}

/**
 * Reads the text file at a config path. A missing file or a directory is
 * the config's fault (no retry will make it appear), so both are terminal.
 */
export async function readConfigFile(
  ctx: PromotionStepContext,
  path: string,
  field = 'path',
): Promise<{ absolutePath: string; text: string }> {
  const absolutePath = await ctx.resolvePath(path);
  try {
    return { absolutePath, text: await readFile(absolutePath, 'utf8') };
  } catch (error) {
    if (isNotFound(error)) {
      throw new TerminalStepError(`${field}: file "${path}" does not exist`);
    }
    if (errorCode(error) === 'EISDIR') {
      throw new TerminalStepError(`${field}: "${path}" is a directory`);
    }
    throw error;
  }
}

/**
 * A fresh path for a temporary file at the top of the work directory: on
 * the same filesystem as everything the steps write (so a rename moves it
 * into place), and outside the repositories cloned below it, so that one
 * left behind by a crash can never be committed.
 */
export async function temporaryPath(
  ctx: PromotionStepContext,
): Promise<string> {
  const root = await realpath(ctx.workDir);
  return join(root, `.kargo-tmp-${randomBytes(8).toString('hex')}`);
}

/**
 * Replaces a file's content in one rename, keeping its permissions: a step
 * interrupted half-way leaves the old file or the new one, never a torn
 * one, so a resumed attempt sees a consistent file.
 */
export async function replaceFileContent(
  ctx: PromotionStepContext,
  absolutePath: string,
  content: string,
): Promise<void> {
  // Through a symlink (one resolvePath let through, so inside the work
  // directory) to the file it names, as writing in place would.
  const target = await realpath(absolutePath);
  const { mode } = await stat(target);
  const temporary = await temporaryPath(ctx);
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await chmod(temporary, mode & 0o7777);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Throws when the Promotion was aborted, between units of file work. */
export function throwIfAborted(ctx: PromotionStepContext): void {
  if (ctx.signal.aborted) {
    throw new Error('the step was aborted');
  }
}
