import type { JsonObject } from '@backstage/types';
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { deleteStep } from './deletePaths';

describe('delete', () => {
  let workDir: string;
  let outside: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    outside = await mkdtemp(join(tmpdir(), 'kargo-delete-outside-'));
    await writeFile(join(outside, 'precious.txt'), 'keep');
    for (const name of [
      'out/unwanted/file',
      'out/tmp/x',
      'out/build.log',
      'out/a/b/c.tmp',
      'out/a/d.tmp',
      'out/.hidden.tmp',
      'out/keep.yaml',
    ]) {
      await mkdir(dirname(join(workDir, name)), { recursive: true });
      await writeFile(join(workDir, name), name);
    }
  });
  afterEach(async () => {
    await cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  const run = (config: JsonObject, resumed = false) =>
    deleteStep.run(createStepContext(workDir, config, { resumed }));
  const exists = (name: string) =>
    lstat(join(workDir, name)).then(
      () => true,
      () => false,
    );

  it('deletes one path, or several files and directories', async () => {
    await run({ path: './out/unwanted/file' });
    expect(await exists('out/unwanted/file')).toBe(false);
    expect(await exists('out/unwanted')).toBe(true);

    await run({ paths: ['./out/tmp', './out/build.log', './out/missing'] });
    expect(await exists('out/tmp')).toBe(false);
    expect(await exists('out/build.log')).toBe(false);
    expect(await exists('out/keep.yaml')).toBe(true);
  });

  it('expands globs (** and dot files included) when pathsAreGlobs', async () => {
    await run({
      paths: ['./out/**/*.tmp', './out/tmp/'],
      pathsAreGlobs: true,
      strict: true,
    });
    for (const gone of [
      'out/a/b/c.tmp',
      'out/a/d.tmp',
      'out/.hidden.tmp',
      'out/tmp',
    ]) {
      expect(await exists(gone)).toBe(false);
    }
    expect(await exists('out/a/b')).toBe(true);
    expect(await exists('out/keep.yaml')).toBe(true);
  });

  it('deletes a symlink as a link, never what it points at, and never walks through one', async () => {
    await symlink(outside, join(workDir, 'out', 'link-dir'));
    await symlink(
      join(outside, 'precious.txt'),
      join(workDir, 'out', 'link-file'),
    );
    await run({ paths: ['out/**/precious.txt'], pathsAreGlobs: true });
    expect(await readFile(join(outside, 'precious.txt'), 'utf8')).toBe('keep');

    await run({ paths: ['out/link-dir', 'out/link-file'] });
    expect(await exists('out/link-dir')).toBe(false);
    expect(await exists('out/link-file')).toBe(false);
    expect(await readFile(join(outside, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it('with strict, fails on a missing path or an empty glob, unless resumed', async () => {
    await expect(run({ path: 'out/missing', strict: true })).rejects.toThrow(
      /path "out\/missing" does not exist/,
    );
    await expect(
      run({ path: 'out/**/*.nothing', pathsAreGlobs: true, strict: true }),
    ).rejects.toThrow(/no paths matched pattern/);
    await expect(
      run({ path: 'out/missing', strict: true }, true),
    ).resolves.toEqual({
      status: 'Succeeded',
    });
  });

  it.each([
    [{ path: '../outside' }, /leads outside/],
    [{ path: '/etc/hosts' }, /is absolute/],
    [{ path: '.' }, /names the work directory/],
    [{ path: 'out/..' }, /names the work directory/],
    [{ path: '../**', pathsAreGlobs: true }, /must stay inside/],
    [{ path: 'escape/precious.txt' }, /symbolic link/],
    [{ path: 'escape/*', pathsAreGlobs: true }, /symbolic link/],
  ])('refuses %j', async (config, error) => {
    await symlink(outside, join(workDir, 'escape'));
    await expect(run(config)).rejects.toMatchObject({
      name: 'TerminalStepError',
      message: expect.stringMatching(error),
    });
    expect(await readFile(join(outside, 'precious.txt'), 'utf8')).toBe('keep');
    expect(await exists('out/keep.yaml')).toBe(true);
  });
});
