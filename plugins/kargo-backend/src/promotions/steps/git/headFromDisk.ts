import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

const read = (path: string) =>
  readFile(path, 'utf8').then(
    text => text,
    () => undefined,
  );

/** The branch a ref names ('' for anything not under refs/heads/). */
export function branchOf(ref: string | undefined): string {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : '';
}

/**
 * HEAD of a repository as its files record it: the ref HEAD names (none
 * when detached) and the commit, when a loose ref or packed-refs holds it.
 * Reading two small files costs a fraction of a git process, which is what
 * the steps would otherwise start just to learn the commit they made. The
 * commit is undefined whenever the files say anything unexpected (a
 * reftable repository, an unborn branch, a symbolic ref chain): callers
 * then ask git.
 */
export async function readHeadFromDisk(
  gitDir: string,
): Promise<{ ref?: string; commit?: string }> {
  const head = (await read(join(gitDir, 'HEAD')))?.trim();
  if (head === undefined) return {};
  if (OBJECT_ID.test(head)) return { commit: head };
  const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(head)?.[1];
  if (!ref || ref.split('/').includes('..')) return {};
  // A linked working tree keeps its HEAD here and its refs in the
  // repository it names in `commondir`.
  const commondir = (await read(join(gitDir, 'commondir')))?.trim();
  const common = commondir ? resolve(gitDir, commondir) : gitDir;
  return { ref, commit: await readRefFromDisk(common, ref) };
}

/**
 * The object a ref names, from its loose file or packed-refs in the
 * repository's common directory; undefined when neither holds it plainly.
 */
export async function readRefFromDisk(
  commonDir: string,
  ref: string,
): Promise<string | undefined> {
  if (!ref.startsWith('refs/') || ref.split('/').includes('..')) {
    return undefined;
  }
  const loose = (await read(join(commonDir, ref)))?.trim();
  if (loose !== undefined) return OBJECT_ID.test(loose) ? loose : undefined;
  const packed = await read(join(commonDir, 'packed-refs'));
  for (const line of packed?.split('\n') ?? []) {
    const [id, name] = line.split(' ');
    if (name === ref && OBJECT_ID.test(id)) return id;
  }
  return undefined;
}
