import { PromotionStepContext } from '@kargo-backstage/plugin-kargo-node';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * Where a git-clone step keeps its bare repository, and the journal of the
 * checkout paths it is about to create. A later attempt of the same step
 * (after an error, or after the backend stopped mid-step) reads the journal
 * and removes what the earlier one left, half-made or not, then starts over.
 */

/** Work-directory-relative folder of all git-clone steps' repositories. */
export const CLONES_DIR = '.kargo-git';
const JOURNAL = 'checkouts.json';

/** The relative directory of one git-clone step (by its alias). */
export function cloneStateDir(alias: string): string {
  const readable = alias.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(alias).digest('hex').slice(0, 8);
  return join(CLONES_DIR, `${readable}-${hash}`);
}

/** Records that `path` (relative to the work directory) is being created. */
export async function journalCheckout(
  stateDir: string,
  paths: string[],
): Promise<void> {
  await writeFile(join(stateDir, JOURNAL), JSON.stringify(paths));
}

/**
 * Removes an earlier attempt's clone and every checkout it journaled.
 * Returns the checkout paths removed.
 */
export async function discardEarlierAttempt(
  ctx: PromotionStepContext,
  relativeStateDir: string,
): Promise<string[]> {
  const stateDir = await ctx.resolvePath(relativeStateDir);
  let paths: string[] = [];
  try {
    const parsed = JSON.parse(await readFile(join(stateDir, JOURNAL), 'utf8'));
    if (Array.isArray(parsed))
      paths = parsed.filter(p => typeof p === 'string');
  } catch {
    // No journal: the earlier attempt created no checkout.
  }
  for (const path of paths) {
    // Resolved again: never follow something swapped in since.
    await rm(await ctx.resolvePath(path), { recursive: true, force: true });
  }
  await rm(stateDir, { recursive: true, force: true });
  return paths;
}
