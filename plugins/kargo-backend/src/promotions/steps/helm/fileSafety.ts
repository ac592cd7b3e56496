import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import {
  lstat,
  mkdir,
  readdir,
  readlink,
  realpath,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const MAX_ENTRIES = 100_000;

/** Whether `path` is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return (
    rel === '' ||
    (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
  );
}

/**
 * The real path `path` has, or would have once created: the real path of
 * its deepest existing ancestor with the rest appended.
 */
export async function realOrNearest(path: string): Promise<string> {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length + 1));
      current = parent;
    }
  }
}

/** Real path of a link's target; a dangling one: where it would lead. */
async function linkDestination(link: string): Promise<string> {
  try {
    return await realpath(link);
  } catch {
    return realOrNearest(resolve(dirname(link), await readlink(link)));
  }
}

/**
 * Refuses (TerminalStepError) a directory tree holding a symbolic link
 * that leads outside the work directory. Helm and kustomize follow links
 * when they read charts and write output: one link in a cloned repository
 * would let them read or overwrite the backend's own files. Links that
 * stay inside are followed and their targets checked too.
 */
export async function assertTreeStaysInside(
  workDir: string,
  dir: string,
  what: string,
): Promise<void> {
  const root = await realpath(workDir);
  const seen = new Set<string>();
  const pending = [dir];
  let count = 0;
  while (pending.length > 0) {
    const current = pending.pop()!;
    let real: string;
    try {
      real = await realpath(current);
    } catch {
      continue; // gone or not there yet: nothing to follow
    }
    if (seen.has(real)) continue;
    seen.add(real);
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue; // a file, not a directory
    }
    for (const entry of entries) {
      if (++count > MAX_ENTRIES) {
        throw new TerminalStepError(
          `${what} holds more than ${MAX_ENTRIES} files`,
        );
      }
      const path = join(current, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await linkDestination(path);
        if (!isInside(root, target)) {
          throw new TerminalStepError(
            `${what}: symbolic link ${relative(
              workDir,
              path,
            )} leads outside the Promotion's work directory`,
          );
        }
        pending.push(path);
      } else if (entry.isDirectory()) {
        pending.push(path);
      }
    }
  }
}

/**
 * Writes a rendered file, replacing (never following) a symbolic link
 * found at its place: `path`'s directory has passed the work directory's
 * guard, the file name came from rendered, untrusted metadata.
 */
export async function writeOutputFile(
  path: string,
  content: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    if ((await lstat(path)).isSymbolicLink()) await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFile(path, content, { mode: 0o600 });
}

/**
 * Kargo's check on a file name made from resource metadata: a plain name,
 * nothing that could climb out of (or stand for) the output directory.
 */
export function assertPlainFileName(name: string): void {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    /[/\\\0]/.test(name) ||
    isAbsolute(name)
  ) {
    throw new TerminalStepError(`unsafe generated resource filename "${name}"`);
  }
}
