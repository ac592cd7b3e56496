import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import { tarSchema } from './configSchemas';
import { isNotFound, temporaryPath } from './fileIo';
import { ignoreMatcher, walkTree } from './walkTree';

/** Kargo's limits on what goes into an archive. */
export const MAX_TAR_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_TAR_TOTAL_BYTES = 100 * 1024 * 1024;

type Entries = { cwd: string; names: string[] };

async function entriesOf(
  ctx: PromotionStepContext,
  from: string,
  to: string,
): Promise<Entries> {
  const rules = (ctx.config.ignore as string | undefined)?.trim();
  // As in Kargo, .git is left out by default only when no rules are given.
  const ignored = ignoreMatcher(rules, rules ? [] : ['.git']);
  const info = await stat(from);
  let total = 0;
  const count = (size: number, name: string) => {
    if (size > MAX_TAR_FILE_BYTES) {
      throw new TerminalStepError(
        `${name} (${size} bytes) exceeds the ${MAX_TAR_FILE_BYTES}-byte limit for one file`,
      );
    }
    total += size;
    if (total > MAX_TAR_TOTAL_BYTES) {
      throw new TerminalStepError(
        `the files to archive exceed the ${MAX_TAR_TOTAL_BYTES}-byte limit`,
      );
    }
  };
  if (!info.isDirectory()) {
    const name = basename(from);
    if (ignored(name, false)) return { cwd: dirname(from), names: [] };
    count(info.size, name);
    return { cwd: dirname(from), names: [name] };
  }
  const names: string[] = [];
  const walk = walkTree(
    ctx,
    from,
    (relativePath, entry) =>
      ignored(relativePath, entry.isDirectory()) ||
      `${from}/${relativePath}` === to,
  );
  for await (const { absolutePath, relativePath, entry } of walk) {
    if (entry.isFile()) count((await lstat(absolutePath)).size, relativePath);
    names.push(relativePath);
  }
  return { cwd: from, names };
}

/**
 * `tar`: archives a directory's content (entries relative to it, symbolic
 * links stored as links) or a single file, optionally gzipped. `ignore`
 * takes .gitignore patterns. The archive is written to a temporary file
 * (see temporaryPath) and renamed into place, so `outPath` is never left
 * half-written.
 */
export const tarStep: PromotionStepRunner = {
  name: 'tar',
  configSchema: tarSchema,
  async run(ctx) {
    const inPath = ctx.config.inPath as string;
    const outPath = ctx.config.outPath as string;
    const from = await ctx.resolvePath(inPath);
    const to = await ctx.resolvePath(outPath);
    try {
      await stat(from);
    } catch (error) {
      if (isNotFound(error)) {
        throw new TerminalStepError(`inPath: "${inPath}" does not exist`);
      }
      throw error;
    }
    const { cwd, names } = await entriesOf(ctx, from, to);

    await mkdir(dirname(to), { recursive: true, mode: 0o750 });
    const temporary = await temporaryPath(ctx);
    try {
      const gzip = ctx.config.gzip === true;
      if (names.length === 0) {
        // node-tar wants at least one entry; an empty archive is its end
        // marker alone, as Kargo writes when everything is ignored.
        const empty = Buffer.alloc(1024);
        await writeFile(temporary, gzip ? gzipSync(empty) : empty);
      } else {
        await create(
          {
            file: temporary,
            cwd,
            gzip,
            noDirRecurse: true,
            follow: false,
            portable: true,
          },
          names,
        );
      }
      await rename(temporary, to);
    } finally {
      await rm(temporary, { force: true });
    }
    ctx.log(
      `archived ${names.length} entr${
        names.length === 1 ? 'y' : 'ies'
      } into ${outPath}`,
    );
    return { status: 'Succeeded' };
  },
};
