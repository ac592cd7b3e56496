import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInWorkDir } from './workspace';

describe('resolveInWorkDir', () => {
  let base: string;
  let workDir: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'kargo-ws-'));
    workDir = join(base, 'work');
    await mkdir(join(workDir, 'repo', 'env'), { recursive: true });
    await writeFile(join(base, 'outside.txt'), 'secret');
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('resolves paths inside the work directory, existing or not', async () => {
    await expect(
      resolveInWorkDir(workDir, 'repo/env/values.yaml'),
    ).resolves.toBe(join(workDir, 'repo', 'env', 'values.yaml'));
    await expect(
      resolveInWorkDir(workDir, './repo/../repo/new/dir/x'),
    ).resolves.toBe(join(workDir, 'repo', 'new', 'dir', 'x'));
  });

  it.each([
    ['/etc/passwd', /is absolute/],
    ['../outside.txt', /leads outside/],
    ['repo/../../outside.txt', /leads outside/],
    ['', /non-empty/],
  ])('refuses %j', async (path, error) => {
    await expect(resolveInWorkDir(workDir, path)).rejects.toThrow(error);
  });

  it('refuses symbolic links that lead outside, wherever they are on the path', async () => {
    await symlink(base, join(workDir, 'repo', 'escape'));
    await symlink(join(base, 'outside.txt'), join(workDir, 'file-link'));
    await expect(
      resolveInWorkDir(workDir, 'repo/escape/outside.txt'),
    ).rejects.toThrow(/symbolic link/);
    await expect(
      resolveInWorkDir(workDir, 'repo/escape/new-file'),
    ).rejects.toThrow(/symbolic link/);
    await expect(resolveInWorkDir(workDir, 'file-link')).rejects.toThrow(
      /symbolic link/,
    );
  });

  it('allows symbolic links that stay inside', async () => {
    await symlink(join(workDir, 'repo', 'env'), join(workDir, 'env-link'));
    await expect(resolveInWorkDir(workDir, 'env-link/a.yaml')).resolves.toBe(
      join(workDir, 'env-link', 'a.yaml'),
    );
  });
});
