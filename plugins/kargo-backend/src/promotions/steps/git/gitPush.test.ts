import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GitStepsHarness,
  PASSWORD,
  USERNAME,
} from './__testUtils__/gitStepsHarness';

describe('git-push', () => {
  let h: GitStepsHarness;
  let base: string;

  beforeEach(async () => {
    h = new GitStepsHarness();
    base = h.fixture.commit({
      message: 'base',
      files: { 'a.txt': 'a\n', 'b.txt': 'b\n' },
    });
    h.fixture.push();
    await h.start();
  });

  afterEach(() => h.cleanup());

  it('pushes the checked-out branch with the credentials and outputs branch and commit', async () => {
    await h.cloneInto('a');
    const id = await h.commitFile('a', 'a.txt', 'A\n');
    const result = await h.run('git-push', { path: 'a' });
    expect(result).toMatchObject({
      status: 'Succeeded',
      output: { branch: 'main', commit: id },
    });
    expect(result.output).not.toHaveProperty('commitURL');
    expect(h.remote('rev-parse', 'main')).toBe(id);
    expect(
      h.server.requests.some(
        r =>
          r.method === 'POST' &&
          r.url.endsWith('git-receive-pack') &&
          r.user === USERNAME,
      ),
    ).toBe(true);
  });

  it('fails on a true conflict, naming the file and leaving the working tree as it was', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    const a = await h.commitFile('a', 'a.txt', 'from a\n');
    const b = await h.commitFile('b', 'a.txt', 'from b\n');
    await h.run('git-push', { path: 'a' });

    const result = await h.run('git-push', { path: 'b' });

    expect(result.status).toBe('Failed');
    expect(result.message).toMatch(
      /cannot push to branch "main" of .*: commits on the remote branch conflict with the local commits in a\.txt/,
    );
    expect(h.remote('rev-parse', 'main')).toBe(a);
    expect(h.git('b', 'rev-parse', 'HEAD')).toBe(b);
    expect(h.git('b', 'status', '--porcelain')).toBe('');
  });

  it('force-pushes over the remote history when asked', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.commitFile('a', 'a.txt', 'A\n');
    await h.run('git-push', { path: 'a' });
    const b = await h.commitFile('b', 'a.txt', 'B wins\n');
    const result = await h.run('git-push', { path: 'b', force: true });
    expect(result.output).toMatchObject({ branch: 'main', commit: b });
    expect(h.remote('rev-parse', 'main')).toBe(b);
    expect(h.remote('rev-parse', 'main^')).toBe(base);
  });

  it('pushes to a generated branch for the Promotion, forced', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.commitFile('a', 'a.txt', 'A\n');
    const promotion = 'dev.01jabcdefghjkmnpqrstvwxyz0.f0a1b2c';
    const first = await h.run(
      'git-push',
      { path: 'a', generateTargetBranch: true },
      { promotion },
    );
    expect(first.output!.branch).toBe(`kargo/promotion/${promotion}`);
    expect(h.remote('rev-parse', `kargo/promotion/${promotion}`)).toBe(
      first.output!.commit,
    );
    // The Promotion started over in a fresh clone: its branch is replaced.
    const b = await h.commitFile('b', 'b.txt', 'B\n');
    await h.run(
      'git-push',
      { path: 'b', generateTargetBranch: true },
      { promotion },
    );
    expect(h.remote('rev-parse', `kargo/promotion/${promotion}`)).toBe(b);
    expect(h.remote('rev-parse', 'main')).toBe(base);
  });

  it('pushes tags; the same tag again is a no-op, a different one of the same name is refused', async () => {
    await h.cloneInto('a');
    await h.cloneInto('b');
    await h.run('git-tag', { path: 'a', tag: 'v1.0.0', message: 'one' });
    const result = await h.run('git-push', { path: 'a', tag: 'v1.0.0' });
    expect(result.output).toEqual({ branch: 'main', commit: base });
    expect(h.remote('rev-parse', 'refs/tags/v1.0.0')).toBe(
      h.git('a', 'rev-parse', 'refs/tags/v1.0.0'),
    );
    await expect(
      h.run('git-push', { path: 'a', tag: 'v1.0.0' }),
    ).resolves.toMatchObject({
      status: 'Succeeded',
    });
    await h.run('git-tag', { path: 'b', tag: 'v1.0.0', message: 'another' });
    await expect(
      h.run('git-push', { path: 'b', tag: 'v1.0.0' }),
    ).rejects.toThrow(/tag "v1.0.0" already exists in .* at another object/);
    await expect(h.run('git-push', { path: 'b', tag: 'v9' })).rejects.toThrow(
      TerminalStepError,
    );
  });

  it('needs a target branch for a detached HEAD, and can create one', async () => {
    await h.cloneInto('c', { commit: base });
    await expect(h.run('git-push', { path: 'c' })).rejects.toThrow(
      /has no branch checked out/,
    );
    const result = await h.run('git-push', {
      path: 'c',
      targetBranch: 'from-commit',
    });
    expect(result.output).toEqual({ branch: 'from-commit', commit: base });
    expect(h.remote('rev-parse', 'from-commit')).toBe(base);
  });

  it('refuses wrong credentials clearly, without the password', async () => {
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');
    const wrong = `${PASSWORD}x`;
    h.credentials = { username: USERNAME, password: wrong };
    const error = await h.run('git-push', { path: 'a' }).then(
      () => undefined,
      e => e as Error,
    );
    expect(error?.message).toMatch(/refused access: check the credentials/);
    expect(error?.message).not.toContain(wrong);
    expect(h.remote('rev-parse', 'main')).toBe(base);
  });

  it('refuses a repository whose config was changed to send its traffic elsewhere', async () => {
    await h.cloneInto('a');
    await h.commitFile('a', 'a.txt', 'A\n');
    // Another step wrote into the clone's config, through an include.
    const evil = join(h.workDir, 'evil.cfg');
    await writeFile(
      evil,
      '[url "http://127.0.0.1:1/"]\n\tinsteadOf = http://\n',
    );
    h.git('a', 'config', 'include.path', evil);
    const before = h.receivePacks();
    await expect(h.run('git-push', { path: 'a' })).rejects.toThrow(
      /sets url\.http:\/\/127\.0\.0\.1:1\/\.insteadof, which could run commands or send its remote traffic and credentials elsewhere/,
    );
    expect(h.receivePacks()).toBe(before);
  });

  it('works with file:// repositories and no credentials', async () => {
    await h.run('git-clone', {
      repoURL: h.fixture.fileURL,
      checkout: [
        { branch: 'main', path: 'out' },
        { commit: base, path: 'src' },
      ],
    });
    const id = await h.commitFile('out', 'a.txt', 'file\n');
    const result = await h.run('git-push', { path: 'out' });
    expect(result.output).toEqual({ branch: 'main', commit: id });
    expect(h.remote('rev-parse', 'main')).toBe(id);
  });
});

describe('git-push commitURL', () => {
  it('builds it as Kargo does for a known provider', async () => {
    const h = new GitStepsHarness('org/app');
    try {
      h.fixture.commit({ message: 'base', files: { 'a.txt': 'a' } });
      h.fixture.push();
      await h.start();
      await h.run('git-clone', {
        repoURL: h.repoURL,
        checkout: [{ branch: 'main', path: 'out' }],
      });
      await writeFile(join(h.workDir, 'out/a.txt'), 'b');
      const { output } = await h.run('git-commit', {
        path: 'out',
        message: 'm',
      });
      const result = await h.run('git-push', {
        path: 'out',
        provider: 'github',
      });
      expect(result.output!.commitURL).toBe(
        `https://${new URL(h.server.url).host}/org/app/commit/${
          output!.commit
        }`,
      );
    } finally {
      await h.cleanup();
    }
  });
});
