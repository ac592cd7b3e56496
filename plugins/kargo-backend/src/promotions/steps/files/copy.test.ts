import type { JsonObject } from '@backstage/types';
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { copyStep } from './copy';

describe('copy', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject) =>
    copyStep.run(createStepContext(workDir, config));
  const put = async (name: string, text = name, mode = 0o644) => {
    await mkdir(dirname(join(workDir, name)), { recursive: true });
    await writeFile(join(workDir, name), text, { mode });
  };
  const read = (name: string) => readFile(join(workDir, name), 'utf8');
  const exists = (name: string) =>
    lstat(join(workDir, name)).then(
      () => true,
      () => false,
    );

  it('copies a file to a new path, creating parents and keeping its mode', async () => {
    await put('overlay/kustomization.yaml', 'kind: Kustomization\n', 0o640);
    await run({
      inPath: './overlay/kustomization.yaml',
      outPath: './src/stages/dev/kustomization.yaml',
    });
    expect(await read('src/stages/dev/kustomization.yaml')).toBe(
      'kind: Kustomization\n',
    );
    expect(
      (await stat(join(workDir, 'src/stages/dev/kustomization.yaml'))).mode &
        0o777,
    ).toBe(0o640);
  });

  it('copies a tree into an existing directory, overwriting, skipping .git, ignored paths and symlinks', async () => {
    await put('src/a.yaml', 'new a');
    await put('src/sub/b.yaml', 'b');
    await put('src/sub/notes.md', 'notes');
    await put('src/README.md', 'readme');
    await put('src/.git/config', 'git');
    await put('src/build/out.bin', 'bin');
    await symlink('/etc/passwd', join(workDir, 'src', 'passwd-link'));
    await put('dest/a.yaml', 'old a');
    await put('dest/keep.txt', 'kept');

    await run({
      inPath: 'src',
      outPath: 'dest',
      ignore: '*.md\n!README.md\nbuild/\n',
    });
    expect(await read('dest/a.yaml')).toBe('new a');
    expect(await read('dest/sub/b.yaml')).toBe('b');
    expect(await read('dest/README.md')).toBe('readme');
    expect(await read('dest/keep.txt')).toBe('kept');
    for (const absent of [
      'dest/sub/notes.md',
      'dest/.git',
      'dest/build',
      'dest/passwd-link',
    ]) {
      expect(await exists(absent)).toBe(false);
    }
  });

  it('copies a directory into its own subdirectory without copying the copy', async () => {
    await put('tree/a.txt', 'a');
    await put('tree/nested/b.txt', 'b');
    await run({ inPath: 'tree', outPath: 'tree/backup' });
    expect((await readdir(join(workDir, 'tree/backup'))).sort()).toEqual([
      'a.txt',
      'nested',
    ]);
    expect(await read('tree/backup/nested/b.txt')).toBe('b');
  });

  it('does not write through a symlink leading outside that sits in the destination', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'kargo-copy-outside-'));
    try {
      await put('src/evil/x.txt', 'payload');
      await mkdir(join(workDir, 'dest'));
      await symlink(outside, join(workDir, 'dest', 'evil'));
      await expect(run({ inPath: 'src', outPath: 'dest' })).rejects.toThrow(
        /leads outside/,
      );
      expect(await readdir(outside)).toEqual([]);

      // A link to a file outside, met inside the destination, is replaced.
      await rm(join(workDir, 'dest', 'evil'));
      await writeFile(join(outside, 'target.txt'), 'untouched');
      await symlink(
        join(outside, 'target.txt'),
        join(workDir, 'dest', 'x.txt'),
      );
      await put('flat/x.txt', 'copied');
      await run({ inPath: 'flat', outPath: 'dest' });
      expect(await readFile(join(outside, 'target.txt'), 'utf8')).toBe(
        'untouched',
      );
      expect((await lstat(join(workDir, 'dest', 'x.txt'))).isFile()).toBe(true);
      expect(await read('dest/x.txt')).toBe('copied');

      // An outPath that is itself such a link is refused.
      await symlink(join(outside, 'target.txt'), join(workDir, 'link.txt'));
      await expect(
        run({ inPath: 'flat/x.txt', outPath: 'link.txt' }),
      ).rejects.toThrow(/leads outside/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('stops when the Promotion is aborted', async () => {
    await put('src/a.txt');
    const controller = new AbortController();
    controller.abort();
    const ctx = createStepContext(
      workDir,
      { inPath: 'src', outPath: 'dest' },
      {
        signal: controller.signal,
      },
    );
    await expect(copyStep.run(ctx)).rejects.toThrow(/aborted/);
    expect(await exists('dest/a.txt')).toBe(false);
  });

  it.each([
    [{ inPath: '../x', outPath: 'y' }, /leads outside/],
    [{ inPath: 'src', outPath: '/tmp/y' }, /is absolute/],
    [{ inPath: 'missing', outPath: 'y' }, /"missing" does not exist/],
    [
      { inPath: 'file.txt', outPath: 'dir' },
      /cannot copy a file over the directory/,
    ],
  ])('refuses %j', async (config, error) => {
    await put('file.txt');
    await mkdir(join(workDir, 'dir'));
    await expect(run(config)).rejects.toThrow(error);
  });
});
