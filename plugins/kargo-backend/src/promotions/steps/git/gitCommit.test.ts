import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { existsSync } from 'node:fs';
import {
  appendFile,
  mkdir,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { createStepContext } from '../__testUtils__/stepContext';
import { GitStepsHarness } from './__testUtils__/gitStepsHarness';

describe('git-commit, git-clear and git-tag', () => {
  let h: GitStepsHarness;
  let base: string;

  beforeEach(async () => {
    h = new GitStepsHarness();
    base = h.fixture.commit({
      message: 'base',
      files: {
        'app/values.yaml': 'v: 1\n',
        '.gitignore': 'ignored.txt\n',
        '.hidden/config': 'x\n',
      },
    });
    h.fixture.push();
    await h.start();
    await h.run('git-clone', {
      repoURL: h.repoURL,
      author: { name: 'Promo Bot', email: 'promo@example.com' },
      checkout: [{ branch: 'main', path: 'out' }],
    });
  });

  afterEach(() => h.cleanup());

  describe('git-commit', () => {
    it('commits every change (new, modified, deleted) as the clone author', async () => {
      await writeFile(join(h.workDir, 'out/app/values.yaml'), 'v: 2\n');
      await writeFile(join(h.workDir, 'out/new.yaml'), 'new\n');
      await rm(join(h.workDir, 'out/.hidden'), { recursive: true });

      const result = await h.run('git-commit', {
        path: 'out',
        message: 'dev: update image\n\nbody line',
      });

      const head = h.git('out', 'rev-parse', 'HEAD');
      expect(result).toMatchObject({
        status: 'Succeeded',
        output: { commit: head },
      });
      expect(h.git('out', 'rev-parse', 'HEAD^')).toBe(base);
      expect(h.git('out', 'log', '-1', '--format=%B')).toBe(
        'dev: update image\n\nbody line',
      );
      expect(h.git('out', 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
        'Promo Bot <promo@example.com>|Promo Bot <promo@example.com>',
      );
      expect(
        h
          .git('out', 'show', '--name-status', '--format=', 'HEAD')
          .split('\n')
          .sort(),
      ).toEqual(['A\tnew.yaml', 'D\t.hidden/config', 'M\tapp/values.yaml']);
      expect(h.git('out', 'status', '--porcelain')).toBe('');
    });

    it('takes the (deprecated) author of its own config over the clone author', async () => {
      await writeFile(join(h.workDir, 'out/x'), 'x');
      await h.run('git-commit', {
        path: 'out',
        message: 'm',
        author: { name: 'Someone', email: 'someone@example.com' },
      });
      expect(h.git('out', 'log', '-1', '--format=%an <%ae>|%cn')).toBe(
        'Someone <someone@example.com>|Someone',
      );
    });

    it('makes no commit without changes and outputs HEAD (Skipped, as Kargo)', async () => {
      await writeFile(join(h.workDir, 'out/ignored.txt'), 'not tracked');
      const result = await h.run('git-commit', {
        path: 'out',
        message: 'nothing',
      });
      expect(result).toMatchObject({
        status: 'Skipped',
        output: { commit: base },
      });
      expect(h.git('out', 'rev-parse', 'HEAD')).toBe(base);
    });

    it('run again after a crash, does not commit a second time', async () => {
      await writeFile(join(h.workDir, 'out/app/values.yaml'), 'v: 3\n');
      const first = await h.run('git-commit', { path: 'out', message: 'once' });
      const again = await h.run(
        'git-commit',
        { path: 'out', message: 'once' },
        { resumed: true },
      );
      expect(again.output).toEqual(first.output);
      expect(h.git('out', 'rev-list', '--count', 'HEAD')).toBe('2');
    });

    it('commits on a branch without commits yet (an orphan branch), and pushes it', async () => {
      h.git('out', 'checkout', '--quiet', '--orphan', 'fresh');
      h.git('out', 'rm', '-r', '--quiet', '--cached', '.');
      const result = await h.run('git-commit', {
        path: 'out',
        message: 'root',
      });
      expect(result.status).toBe('Succeeded');
      expect(h.git('out', 'rev-list', '--count', 'HEAD')).toBe('1');
      expect(result.output!.commit).toBe(h.git('out', 'rev-parse', 'HEAD'));
      const pushed = await h.run('git-push', { path: 'out' });
      expect(pushed.output).toEqual({
        branch: 'fresh',
        commit: result.output!.commit,
      });
      expect(h.remote('rev-parse', 'fresh')).toBe(result.output!.commit);
    });

    it('fails (does not skip) when git refuses a commit of staged changes', async () => {
      await writeFile(join(h.workDir, 'out/x'), 'x');
      await expect(
        h.run('git-commit', { path: 'out', message: '   ' }),
      ).rejects.toThrow(/committing in out failed: .*empty commit message/);
    });

    it('refuses a directory that is not a working tree, or whose repository is elsewhere', async () => {
      await mkdir(join(h.workDir, 'plain'));
      await expect(
        h.run('git-commit', { path: 'plain', message: 'm' }),
      ).rejects.toThrow(/"plain" is not a Git working tree/);
      // A .git file pointing at a repository outside the work directory.
      await mkdir(join(h.workDir, 'sneaky'));
      await writeFile(
        join(h.workDir, 'sneaky/.git'),
        `gitdir: ${h.fixture.workDir}/.git\n`,
      );
      await expect(
        h.run('git-commit', { path: 'sneaky', message: 'm' }),
      ).rejects.toThrow(/lies outside the Promotion's work directory/);
      await expect(
        h.run('git-commit', { path: '../', message: 'm' }),
      ).rejects.toThrow(TerminalStepError);
    });

    it('refuses a repository configured to run commands (e.g. a filter driver)', async () => {
      const marker = join(h.fixture.root, 'ran');
      await writeFile(join(h.workDir, 'out/.gitattributes'), '* filter=evil\n');
      h.git('out', 'config', 'filter.evil.clean', `touch ${marker}; cat`);
      await expect(
        h.run('git-commit', { path: 'out', message: 'm' }),
      ).rejects.toThrow(/sets filter\.evil\.clean, which could run commands/);
      expect(existsSync(marker)).toBe(false);
    });

    it('reads an unchanged repository configuration once, and again (refusing it) once something changed it', async () => {
      const { steps, processes } = h.countingSteps();
      await writeFile(join(h.workDir, 'out/one.txt'), '1');
      await h.run('git-commit', { path: 'out', message: 'one' }, { steps });
      await writeFile(join(h.workDir, 'out/two.txt'), '2');
      await h.run('git-commit', { path: 'out', message: 'two' }, { steps });
      // The first commit read the settings; the second needed only git's
      // own work (the location and HEAD come from the repository's files).
      expect(processes).toEqual(['config', 'add', 'commit', 'add', 'commit']);

      // A step writes the repository's config directly.
      const marker = join(h.fixture.root, 'ran');
      await writeFile(join(h.workDir, 'out/.gitattributes'), '* filter=evil\n');
      await appendFile(
        join(h.workDir, 'out/.git/config'),
        `[filter "evil"]\n\tclean = touch ${marker}; cat\n`,
      );
      await expect(
        h.run('git-commit', { path: 'out', message: 'three' }, { steps }),
      ).rejects.toThrow(/sets filter\.evil\.clean, which could run commands/);
      expect(existsSync(marker)).toBe(false);
    });

    it('does not find a repository above the work directory', async () => {
      // A work directory that itself lies inside some other repository.
      const outer = join(h.fixture.root, 'outer');
      h.fixture.run(h.fixture.root, 'init', '--quiet', outer);
      await mkdir(join(outer, 'work/plain'), { recursive: true });
      const ctx = createStepContext(join(outer, 'work'), {
        path: 'plain',
        message: 'm',
      });
      await expect(h.steps.get('git-commit')!.run(ctx)).rejects.toThrow(
        /"plain" is not a Git working tree/,
      );
      expect(h.fixture.run(outer, 'rev-list', '--all')).toBe('');
    });
  });

  describe('git-clear', () => {
    it('removes everything but .git and stages the removals', async () => {
      await writeFile(join(h.workDir, 'out/ignored.txt'), 'ignored');
      await writeFile(join(h.workDir, 'out/untracked.txt'), 'untracked');
      const outside = join(h.fixture.root, 'outside');
      await mkdir(outside);
      await writeFile(join(outside, 'keep.txt'), 'keep');
      await symlink(outside, join(h.workDir, 'out/link-out'));

      const result = await h.run('git-clear', { path: 'out' });

      expect(result.status).toBe('Succeeded');
      expect(await readdir(join(h.workDir, 'out'))).toEqual(['.git']);
      expect(existsSync(join(outside, 'keep.txt'))).toBe(true);
      expect(h.git('out', 'ls-files')).toBe('');
      // What a following git-commit records: an empty tree.
      await h.run('git-commit', { path: 'out', message: 'clear' });
      expect(h.git('out', 'ls-tree', 'HEAD')).toBe('');
    });
  });

  describe('git-tag', () => {
    it('creates an annotated tag on HEAD with the message and the clone author as tagger', async () => {
      const result = await h.run('git-tag', {
        path: 'out',
        tag: 'v1.0.0',
        message: 'release 1',
      });
      expect(result).toMatchObject({
        status: 'Succeeded',
        output: { commit: base },
      });
      expect(h.git('out', 'cat-file', '-t', 'v1.0.0')).toBe('tag');
      expect(h.git('out', 'rev-parse', 'v1.0.0^{commit}')).toBe(base);
      expect(
        h.git(
          'out',
          'for-each-ref',
          '--format=%(contents:subject)|%(taggername) %(taggeremail)',
          'refs/tags/v1.0.0',
        ),
      ).toBe('release 1|Promo Bot <promo@example.com>');
    });

    it('refuses an existing tag unless forced, and moves it when forced', async () => {
      await h.run('git-tag', { path: 'out', tag: 'stable', message: 'one' });
      await writeFile(join(h.workDir, 'out/x'), 'x');
      const { output } = await h.run('git-commit', {
        path: 'out',
        message: 'next',
      });
      await expect(
        h.run('git-tag', { path: 'out', tag: 'stable', message: 'two' }),
      ).rejects.toThrow(/tag "stable" already exists in out; set force: true/);
      await h.run('git-tag', {
        path: 'out',
        tag: 'stable',
        message: 'two',
        force: true,
      });
      expect(h.git('out', 'rev-parse', 'stable^{commit}')).toBe(output!.commit);
    });

    it('a repeated attempt accepts the tag its earlier attempt made', async () => {
      await h.run('git-tag', { path: 'out', tag: 'v2', message: 'two' });
      const again = await h.run(
        'git-tag',
        { path: 'out', tag: 'v2', message: 'two' },
        { attempt: 2 },
      );
      expect(again).toMatchObject({
        status: 'Succeeded',
        output: { commit: base },
      });
      // On a first attempt the same situation is an existing tag.
      await expect(
        h.run('git-tag', { path: 'out', tag: 'v2', message: 'two' }),
      ).rejects.toThrow(/already exists/);
    });

    it('refuses tag names git does not accept', async () => {
      await expect(
        h.run('git-tag', { path: 'out', tag: 'bad..name', message: 'm' }),
      ).rejects.toThrow(/"bad..name" is not a valid tag name/);
    });
  });
});
