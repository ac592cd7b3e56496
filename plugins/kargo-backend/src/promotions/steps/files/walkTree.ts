import type { PromotionStepContext } from '@kargo-backstage/plugin-kargo-node';
import ignore from 'ignore';
import type { Dirent } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from './fileIo';

/**
 * A gitignore-syntax matcher over paths relative to the tree being walked
 * (`dir/file`, POSIX separators). `defaults` are patterns applied before
 * the user's, e.g. Kargo's `.git`.
 */
export function ignoreMatcher(
  rules: string | undefined,
  defaults: string[] = [],
): (relativePath: string, isDirectory: boolean) => boolean {
  const matcher = ignore()
    .add(defaults)
    .add(rules ?? '');
  return (relativePath, isDirectory) =>
    relativePath !== '' &&
    matcher.ignores(isDirectory ? `${relativePath}/` : relativePath);
}

export type WalkEntry = {
  absolutePath: string;
  /** Relative to the walked root, with `/` separators. */
  relativePath: string;
  entry: Dirent;
};

/**
 * Everything under `root`, parents before children, without following
 * symbolic links (a link is reported as a link, never entered), so that
 * a walk can't leave the tree it was given. `skip` prunes an entry and,
 * for a directory, all it holds.
 */
export async function* walkTree(
  ctx: PromotionStepContext,
  root: string,
  skip: (relativePath: string, entry: Dirent) => boolean = () => false,
  relativeRoot = '',
): AsyncGenerator<WalkEntry> {
  const directory = await opendir(root);
  const entries: Dirent[] = [];
  for await (const entry of directory) entries.push(entry);
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en'));
  for (const entry of entries) {
    throwIfAborted(ctx);
    const relativePath = relativeRoot
      ? `${relativeRoot}/${entry.name}`
      : entry.name;
    if (skip(relativePath, entry)) continue;
    const absolutePath = join(root, entry.name);
    yield { absolutePath, relativePath, entry };
    if (entry.isDirectory()) {
      yield* walkTree(ctx, absolutePath, skip, relativePath);
    }
  }
}
