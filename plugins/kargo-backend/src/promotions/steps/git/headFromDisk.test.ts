import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHeadFromDisk } from './headFromDisk';

describe('readHeadFromDisk', () => {
  let root: string;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: root,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    })
      .toString()
      .trim();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kargo-head-'));
    git(root, 'init', '--quiet', '--initial-branch=main', 'repo');
    git(join(root, 'repo'), 'commit', '--quiet', '--allow-empty', '-m', 'one');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('agrees with git for loose refs, packed refs, detached HEADs and linked working trees', async () => {
    const repo = join(root, 'repo');
    const gitDir = join(repo, '.git');
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await readHeadFromDisk(gitDir)).toEqual({
      ref: 'refs/heads/main',
      commit: head,
    });

    git(repo, 'pack-refs', '--all');
    expect(await readHeadFromDisk(gitDir)).toEqual({
      ref: 'refs/heads/main',
      commit: head,
    });

    git(repo, 'worktree', 'add', '--quiet', '-b', 'feature', '../linked');
    git(
      join(root, 'linked'),
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'two',
    );
    const linkedDir = git(
      join(root, 'linked'),
      'rev-parse',
      '--absolute-git-dir',
    );
    expect(await readHeadFromDisk(linkedDir)).toEqual({
      ref: 'refs/heads/feature',
      commit: git(join(root, 'linked'), 'rev-parse', 'HEAD'),
    });

    git(repo, 'checkout', '--quiet', '--detach');
    expect(await readHeadFromDisk(gitDir)).toEqual({ commit: head });
  });

  it('gives no commit where the files say something unexpected, so callers ask git', async () => {
    const gitDir = join(root, 'repo', '.git');
    git(join(root, 'repo'), 'checkout', '--quiet', '--orphan', 'unborn');
    expect(await readHeadFromDisk(gitDir)).toEqual({
      ref: 'refs/heads/unborn',
    });

    writeFileSync(
      join(gitDir, 'HEAD'),
      'ref: refs/heads/../../../etc/passwd\n',
    );
    expect(await readHeadFromDisk(gitDir)).toEqual({});

    writeFileSync(join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(gitDir, 'refs/heads/main'), 'not an object id\n');
    expect(await readHeadFromDisk(gitDir)).toEqual({ ref: 'refs/heads/main' });

    expect(await readHeadFromDisk(join(root, 'missing'))).toEqual({});
  });
});
