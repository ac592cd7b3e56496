import type { JsonObject } from '@backstage/types';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { fileWriteStep } from './fileWrite';

describe('file-write', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject, resumed = false) =>
    fileWriteStep.run(createStepContext(workDir, config, { resumed }));
  const modeOf = async (name: string) =>
    (await stat(join(workDir, name))).mode & 0o777;

  it('writes contents verbatim, creating parents, with mode 0600 by default', async () => {
    const result = await run({
      path: 'out/app/config.yaml',
      contents: 'a: 1\n',
    });
    expect(result).toEqual({ status: 'Succeeded' });
    expect(await readFile(join(workDir, 'out/app/config.yaml'), 'utf8')).toBe(
      'a: 1\n',
    );
    expect(await modeOf('out/app/config.yaml')).toBe(0o600);
  });

  it('applies the given permissions, whatever the umask', async () => {
    await run({ path: 'shared.txt', contents: 'x', permissions: '0664' });
    expect(await modeOf('shared.txt')).toBe(0o664);
  });

  it('replaces an existing file only with overwrite', async () => {
    await writeFile(join(workDir, 'f.txt'), 'old');
    await expect(run({ path: 'f.txt', contents: 'new' })).rejects.toThrow(
      /already exists; set overwrite to true/,
    );
    expect(await readFile(join(workDir, 'f.txt'), 'utf8')).toBe('old');
    await run({
      path: 'f.txt',
      contents: 'new',
      overwrite: true,
      permissions: '0640',
    });
    expect(await readFile(join(workDir, 'f.txt'), 'utf8')).toBe('new');
    expect(await modeOf('f.txt')).toBe(0o640);
  });

  it('on a resumed attempt, accepts the file its interrupted predecessor wrote', async () => {
    await run({ path: 'f.txt', contents: 'same' });
    await expect(
      run({ path: 'f.txt', contents: 'same' }, true),
    ).resolves.toEqual({
      status: 'Succeeded',
    });
    await expect(
      run({ path: 'f.txt', contents: 'different' }, true),
    ).rejects.toThrow(/already exists/);
  });

  it.each([
    [{ path: '../escape.txt', contents: 'x' }, /leads outside/],
    [{ path: '/etc/passwd', contents: 'x' }, /is absolute/],
    [{ path: '.git/config', contents: 'x' }, /\.git directory is forbidden/],
    [
      { path: 'repo/.git/hooks/pre-commit', contents: 'x' },
      /\.git directory is forbidden/,
    ],
    [{ path: 'run.sh', contents: 'x', permissions: '0755' }, /executable bits/],
    [
      { path: 'open.txt', contents: 'x', permissions: '0666' },
      /world-writable/,
    ],
    [
      { path: 'inside-link/file.txt', contents: 'x' },
      /symbolic links are forbidden/,
    ],
    [{ path: 'outside-link/file.txt', contents: 'x' }, /leads outside/],
  ])('refuses %j', async (config, error) => {
    await mkdir(join(workDir, 'real'));
    await symlink(join(workDir, 'real'), join(workDir, 'inside-link'));
    await symlink('/tmp', join(workDir, 'outside-link'));
    await expect(run(config)).rejects.toMatchObject({
      name: 'TerminalStepError',
      message: expect.stringMatching(error),
    });
  });
});
