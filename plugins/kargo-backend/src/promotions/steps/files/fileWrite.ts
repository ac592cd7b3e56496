import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  realpath,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { fileWriteSchema } from './configSchemas';
import { isNotFound } from './fileIo';

/**
 * Kargo's permission rules: octal, default 0600; no executable bits (a
 * script becoming runnable should take a deliberate extra step) and
 * nothing world-writable.
 */
function parsePermissions(permissions: string | undefined): number {
  if (permissions === undefined) return 0o600;
  const mode = parseInt(permissions, 8);
  if (mode & 0o111) {
    throw new TerminalStepError(
      `permissions "${permissions}" must not include executable bits`,
    );
  }
  if (mode & 0o002) {
    throw new TerminalStepError(
      `permissions "${permissions}" must not be world-writable`,
    );
  }
  return mode;
}

/**
 * The file's absolute path, refusing what Kargo refuses: any `.git` part
 * (we refuse it at every depth, not only at the top: a cloned repository's
 * .git/config or hooks would run commands in later git steps) and symbolic
 * links anywhere on the way, even ones that stay inside.
 */
async function targetPath(
  ctx: PromotionStepContext,
  path: string,
): Promise<string> {
  const absolute = await ctx.resolvePath(path);
  const parts = posix
    .normalize(path)
    .split('/')
    .filter(p => p !== '' && p !== '.');
  if (parts.includes('.git')) {
    throw new TerminalStepError(
      `path: writing into a .git directory is forbidden: "${path}"`,
    );
  }
  let current = await realpath(ctx.workDir);
  for (const part of parts) {
    current = join(current, part);
    try {
      if ((await lstat(current)).isSymbolicLink()) {
        throw new TerminalStepError(
          `path: "${path}" goes through a symbolic link (${part}); symbolic links are forbidden`,
        );
      }
    } catch (error) {
      if (isNotFound(error)) break;
      throw error;
    }
  }
  return absolute;
}

async function currentContent(
  path: string,
): Promise<{ text: string; mode: number } | undefined> {
  try {
    const [text, info] = await Promise.all([
      readFile(path, 'utf8'),
      lstat(path),
    ]);
    return { text, mode: info.mode & 0o777 };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new TerminalStepError(`path: is a directory`);
    }
    throw error;
  }
}

/**
 * `file-write`: writes `contents` to `path` (parents created) with
 * `permissions`. An existing file is replaced only with `overwrite`; on a
 * resumed attempt, a file that already holds exactly these contents and
 * mode counts as written by the interrupted attempt.
 */
export const fileWriteStep: PromotionStepRunner = {
  name: 'file-write',
  configSchema: fileWriteSchema,
  async run(ctx) {
    const path = ctx.config.path as string;
    const contents = ctx.config.contents as string;
    const mode = parsePermissions(ctx.config.permissions as string | undefined);
    const absolute = await targetPath(ctx, path);

    const existing = await currentContent(absolute);
    if (existing && ctx.config.overwrite !== true) {
      if (ctx.resumed && existing.text === contents && existing.mode === mode) {
        ctx.log(`${path} was already written by the interrupted attempt`);
        return { status: 'Succeeded' };
      }
      throw new TerminalStepError(
        `file "${path}" already exists; set overwrite to true to replace it`,
      );
    }
    await mkdir(dirname(absolute), { recursive: true, mode: 0o700 });
    await writeFile(absolute, contents, { mode });
    await chmod(absolute, mode);
    ctx.log(`wrote ${Buffer.byteLength(contents)} byte(s) to ${path}`);
    return { status: 'Succeeded' };
  },
};
