import {
  TerminalStepError,
  type PromotionStepContext,
  type PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import { mkdir, mkdtemp, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { extract, list, type ReadEntry } from 'tar';
import { untarSchema } from './configSchemas';
import { isNotFound } from './fileIo';
import { ignoreMatcher } from './walkTree';

/** Kargo's limits against decompression bombs. */
export const MAX_UNTAR_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_UNTAR_TOTAL_BYTES = 100 * 1024 * 1024;

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

type Verdict =
  | { extract: true; name: string }
  | { extract: false; reason?: string };

/**
 * Whether a link at `name` to `target` resolves inside the extraction root.
 * `..` may only lead the target: after a name, `..` would climb out of
 * whatever that name is, and if it is another link (`self -> .`), the
 * lexical answer would be wrong. Leading `..`s climb real directories.
 */
function linkStaysInside(name: string, target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\\'))
    return false;
  const segments = target.split('/').filter(s => s !== '' && s !== '.');
  const firstName = segments.findIndex(s => s !== '..');
  if (firstName >= 0 && segments.slice(firstName).includes('..')) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(name), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/**
 * Whether an archive entry is extracted, and under which name. Refused
 * (skipped and logged, as Kargo skips them): hard links and special files,
 * absolute names, names with `..` or backslashes, and symbolic links whose
 * target is absolute or resolves outside the extraction directory.
 */
function judge(
  entry: ReadEntry,
  strip: number,
  ignored: (path: string, isDirectory: boolean) => boolean,
): Verdict {
  const raw = entry.path;
  const isDirectory = entry.type === 'Directory';
  if (
    !FILE_TYPES.has(entry.type) &&
    !isDirectory &&
    entry.type !== 'SymbolicLink'
  ) {
    return {
      extract: false,
      reason: `${raw}: ${entry.type} entries are not extracted`,
    };
  }
  const parts = raw.split('/');
  if (parts.length <= strip) return { extract: false };
  const name = parts
    .slice(strip)
    .join('/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (name === '' || name === '.') return { extract: false };
  if (
    name.startsWith('/') ||
    name.includes('\\') ||
    name.split('/').includes('..')
  ) {
    return { extract: false, reason: `${raw}: unsafe entry name` };
  }
  if (entry.type === 'SymbolicLink') {
    const target = String(entry.linkpath ?? '');
    if (!linkStaysInside(name, target)) {
      return {
        extract: false,
        reason: `${raw}: symbolic link to ${target} leads outside outPath`,
      };
    }
  }
  if (ignored(name, isDirectory)) return { extract: false };
  return { extract: true, name };
}

async function checkSizes(
  ctx: PromotionStepContext,
  file: string,
  decide: (e: ReadEntry) => Verdict,
) {
  let total = 0;
  let problem: string | undefined;
  await list({
    file,
    onReadEntry: entry => {
      const verdict = decide(entry);
      if (!verdict.extract || !FILE_TYPES.has(entry.type) || problem) return;
      const size = entry.size ?? 0;
      total += size;
      if (size > MAX_UNTAR_FILE_BYTES) {
        problem = `${verdict.name} (${size} bytes) exceeds the ${MAX_UNTAR_FILE_BYTES}-byte limit for one file`;
      } else if (total > MAX_UNTAR_TOTAL_BYTES) {
        problem = `the archive's files exceed the ${MAX_UNTAR_TOTAL_BYTES}-byte limit`;
      }
    },
  });
  if (problem) throw new TerminalStepError(`extraction refused: ${problem}`);
  ctx.log(`archive holds ${total} byte(s) to extract`);
}

/**
 * `untar`: extracts a tar archive (gzip detected by content) into
 * `outPath`, replacing whatever was there. Extraction happens in a
 * temporary directory first, so a failure leaves `outPath` untouched.
 * `stripComponents` and `ignore` (.gitignore patterns, on stripped names;
 * `.git` when none are given) select entries; see `judge` for refusals.
 */
export const untarStep: PromotionStepRunner = {
  name: 'untar',
  configSchema: untarSchema,
  async run(ctx) {
    const inPath = ctx.config.inPath as string;
    const outPath = ctx.config.outPath as string;
    const file = await ctx.resolvePath(inPath);
    const out = await ctx.resolvePath(outPath);
    const root = await realpath(ctx.workDir);
    if (out === root) {
      throw new TerminalStepError(
        'outPath: must not be the work directory itself',
      );
    }
    try {
      if (!(await stat(file)).isFile()) {
        throw new TerminalStepError(`inPath: "${inPath}" is not a file`);
      }
    } catch (error) {
      if (isNotFound(error))
        throw new TerminalStepError(`inPath: "${inPath}" does not exist`);
      throw error;
    }
    const rules = (ctx.config.ignore as string | undefined)?.trim();
    const ignored = ignoreMatcher(rules, rules ? [] : ['.git']);
    const strip = (ctx.config.stripComponents as number | undefined) ?? 0;
    const decide = (entry: ReadEntry) => judge(entry, strip, ignored);
    await checkSizes(ctx, file, decide);

    const temporary = await mkdtemp(join(root, '.untar-'));
    try {
      let extracted = 0;
      await extract({
        file,
        cwd: temporary,
        preserveOwner: false,
        // node-tar's own refusals, e.g. writing through a symbolic link.
        onwarn: (_code, message, data) => {
          const entry = data?.entry as ReadEntry | undefined;
          ctx.log(`skipped ${entry?.path ?? 'an entry'}: ${message}`);
        },
        filter: (_path, entry) => {
          const readEntry = entry as ReadEntry;
          const verdict = decide(readEntry);
          if (!verdict.extract) {
            if (verdict.reason) ctx.log(`skipped ${verdict.reason}`);
            return false;
          }
          // Only ordinary permission bits: no setuid, setgid or sticky.
          if (typeof readEntry.mode === 'number') readEntry.mode &= 0o777;
          readEntry.path = verdict.name;
          extracted++;
          return true;
        },
      });
      await mkdir(dirname(out), { recursive: true, mode: 0o750 });
      await rm(out, { recursive: true, force: true });
      await rename(temporary, out);
      ctx.log(
        `extracted ${extracted} entr${
          extracted === 1 ? 'y' : 'ies'
        } into ${outPath}`,
      );
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
    return { status: 'Succeeded' };
  },
};
