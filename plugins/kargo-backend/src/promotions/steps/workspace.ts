import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

function escapes(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** The real path of `path`'s deepest existing ancestor (itself included). */
async function realpathOfExisting(path: string): Promise<string> {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      await lstat(current);
      return join(await realpath(current), ...rest.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length + 1));
      current = parent;
    }
  }
}

/**
 * Resolves a step's `path` inside the Promotion's work directory. Absolute
 * paths, `..` that climbs out, and symlinks (anywhere along the path) that
 * lead outside are refused: steps run user-written config, and the work
 * directory is the only part of the backend's disk they may touch.
 */
export async function resolveInWorkDir(
  workDir: string,
  path: string,
  field = 'path',
): Promise<string> {
  if (typeof path !== 'string' || path === '') {
    throw new TerminalStepError(`${field}: must be a non-empty path`);
  }
  if (isAbsolute(path)) {
    throw new TerminalStepError(
      `${field}: "${path}" is absolute; paths are relative to the Promotion's work directory`,
    );
  }
  if (path.includes('\0')) {
    throw new TerminalStepError(`${field}: contains a NUL character`);
  }
  const root = await realpath(workDir);
  const target = resolve(root, path);
  if (escapes(root, target)) {
    throw new TerminalStepError(
      `${field}: "${path}" leads outside the Promotion's work directory`,
    );
  }
  const real = await realpathOfExisting(target);
  if (escapes(root, real)) {
    throw new TerminalStepError(
      `${field}: "${path}" leads outside the Promotion's work directory through a symbolic link`,
    );
  }
  return target;
}
