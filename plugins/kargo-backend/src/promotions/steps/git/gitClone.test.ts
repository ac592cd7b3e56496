import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitFixture } from '../../../warehouses/discovery/git/__testUtils__/gitFixtures';
import { startHangingServer } from '../../../warehouses/discovery/git/__testUtils__/gitHttpServer';
import {
  GitStepsHarness,
  PASSWORD,
  USERNAME,
} from './__testUtils__/gitStepsHarness';

describe('git-clone', () => {
  let h: GitStepsHarness;
  let first: string;
  let second: string;
  let dev: string;

  beforeEach(async () => {
    h = new GitStepsHarness();
    first = h.fixture.commit({
      message: 'first',
      files: {
        'app/values.yaml': 'v: 1\n',
        'base/k.yaml': 'k\n',
        'README.md': 'hi\n',
      },
    });
    h.fixture.lightweightTag('v1.0.0');
    second = h.fixture.commit({
      message: 'second',
      files: { 'app/values.yaml': 'v: 2\n' },
    });
    h.fixture.checkout('stage/dev', true);
    dev = h.fixture.commit({
      message: 'dev',
      files: { 'manifests.yaml': 'dev\n' },
    });
    h.fixture.checkout('main');
    h.fixture.push();
    await h.start();
  });

  afterEach(() => h.cleanup());

  it('checks out a branch, a commit, a tag and the default branch from one clone', async () => {
    const result = await h.run('git-clone', {
      repoURL: h.repoURL,
      checkout: [
        { branch: 'stage/dev', path: './out' },
        { commit: first, path: './src', as: 'source' },
        { tag: 'v1.0.0', path: 'tagged' },
        { path: 'default' },
      ],
    });

    expect(result.status).toBe('Succeeded');
    expect(result.output).toEqual({
      commits: { './out': dev, source: first, tagged: first, default: second },
    });
    expect(await readFile(join(h.workDir, 'out/manifests.yaml'), 'utf8')).toBe(
      'dev\n',
    );
    expect(await readFile(join(h.workDir, 'src/app/values.yaml'), 'utf8')).toBe(
      'v: 1\n',
    );
    expect(
      await readFile(join(h.workDir, 'default/app/values.yaml'), 'utf8'),
    ).toBe('v: 2\n');
    expect(h.git('out', 'symbolic-ref', '--short', 'HEAD')).toBe('stage/dev');
    expect(h.git('default', 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    // Worktrees of one bare clone, as Kargo makes them.
    const common = h.git(
      'out',
      'rev-parse',
      '--path-format=absolute',
      '--git-common-dir',
    );
    expect(
      h.git('src', 'rev-parse', '--path-format=absolute', '--git-common-dir'),
    ).toBe(common);
    expect(
      h.git(
        'tagged',
        'rev-parse',
        '--path-format=absolute',
        '--git-common-dir',
      ),
    ).toBe(common);
    expect(h.server.requests.some(r => r.user === USERNAME)).toBe(true);
  });

  it('creates a missing branch as an orphan with one empty commit, pushed to the remote', async () => {
    const result = await h.run('git-clone', {
      repoURL: h.repoURL,
      checkout: [{ branch: 'stage/prod', create: true, path: 'out' }],
    });

    const remoteHead = h.remote('rev-parse', 'refs/heads/stage/prod');
    expect(result.output).toEqual({ commits: { out: remoteHead } });
    expect(h.remote('log', '--format=%s|%P|%an <%ae>', 'stage/prod')).toBe(
      'Initial commit||Kargo <no-reply@kargo.io>',
    );
    expect(h.remote('ls-tree', 'stage/prod')).toBe('');
    expect(await readdir(join(h.workDir, 'out'))).toEqual(['.git']);
    expect(h.git('out', 'symbolic-ref', '--short', 'HEAD')).toBe('stage/prod');

    // A second Promotion finds the branch and checks it out as it is.
    const again = await h.run(
      'git-clone',
      {
        repoURL: h.repoURL,
        checkout: [{ branch: 'stage/prod', create: true, path: 'out2' }],
      },
      { alias: 'other-clone' },
    );
    expect(again.output).toEqual({ commits: { out2: remoteHead } });
  });

  it('clones a single branch checkout with one git process', async () => {
    const { steps, processes } = h.countingSteps();
    const result = await h.run(
      'git-clone',
      { repoURL: h.repoURL, checkout: [{ branch: 'stage/dev', path: 'out' }] },
      { steps },
    );
    expect(result.output).toEqual({ commits: { out: dev } });
    expect(processes).toEqual(['clone']);
    expect(h.git('out', 'symbolic-ref', '--short', 'HEAD')).toBe('stage/dev');
    expect(await readFile(join(h.workDir, 'out/manifests.yaml'), 'utf8')).toBe(
      'dev\n',
    );
    // The default branch, the same way.
    const byDefault = await h.run(
      'git-clone',
      { repoURL: h.repoURL, checkout: [{ path: 'default' }] },
      { steps, alias: 'other' },
    );
    expect(byDefault.output).toEqual({ commits: { default: second } });
    expect(processes).toEqual(['clone', 'clone']);
  });

  it('looks a branch up as a branch even where a tag has its name', async () => {
    await expect(
      h.run('git-clone', {
        repoURL: h.repoURL,
        checkout: [{ branch: 'v1.0.0', path: 'out' }],
      }),
    ).rejects.toThrow(/remote branch "v1.0.0" of repo .* does not exist/);
    const created = await h.run('git-clone', {
      repoURL: h.repoURL,
      checkout: [{ branch: 'v1.0.0', path: 'out', create: true }],
    });
    expect(h.git('out', 'symbolic-ref', 'HEAD')).toBe('refs/heads/v1.0.0');
    expect(created.output!.commits).not.toEqual({ out: first });
    expect(await readdir(join(h.workDir, 'out'))).toEqual(['.git']);
  });

  it('fails for a missing branch without create, saying how to fix it', async () => {
    await expect(
      h.run('git-clone', {
        repoURL: h.repoURL,
        checkout: [{ branch: 'stage/qa', path: 'out' }],
      }),
    ).rejects.toThrow(
      /remote branch "stage\/qa" of repo .* does not exist; set create=true/,
    );
    expect(h.remote('for-each-ref', 'refs/heads/stage/qa')).toBe('');
  });

  it('refuses a branch name git would not accept, also one that reads as a revision', async () => {
    for (const branch of ['main~1', 'HEAD', 'a..b']) {
      await expect(
        h.run('git-clone', {
          repoURL: h.repoURL,
          checkout: [{ branch, path: 'out' }],
        }),
      ).rejects.toThrow(
        new TerminalStepError(
          `checkout[0].branch: "${branch}" is not a valid branch name`,
        ),
      );
    }
  });

  it('stores the configured author in the clone for later commits and tags', async () => {
    await h.run('git-clone', {
      repoURL: h.repoURL,
      author: { name: 'Promo Bot', email: 'promo@example.com' },
      checkout: [{ path: 'out' }],
    });
    expect(h.git('out', 'config', 'user.name')).toBe('Promo Bot');
    expect(h.git('out', 'config', 'user.email')).toBe('promo@example.com');
  });

  it('checks out only the sparse directories (and root files) from a blobless clone', async () => {
    h.fixture.allowFilter();
    const result = await h.run('git-clone', {
      repoURL: h.repoURL,
      blobless: true,
      checkout: [{ commit: first, path: 'src', sparse: ['app'] }],
    });
    expect(result.output).toEqual({ commits: { src: first } });
    expect(await readdir(join(h.workDir, 'src'))).toEqual(
      expect.arrayContaining(['.git', 'app', 'README.md']),
    );
    expect(existsSync(join(h.workDir, 'src/base'))).toBe(false);
    expect(h.git('src', 'status', '--porcelain')).toBe('');
    expect(h.git('src', 'config', 'remote.origin.promisor')).toBe('true');
  });

  it('refuses sparse globs, paths outside the work directory and occupied paths', async () => {
    await expect(
      h.run('git-clone', {
        repoURL: h.repoURL,
        checkout: [{ path: 'a', sparse: ['app/*'] }],
      }),
    ).rejects.toThrow(TerminalStepError);
    await expect(
      h.run('git-clone', {
        repoURL: h.repoURL,
        checkout: [{ path: '../escape' }],
      }),
    ).rejects.toThrow(/leads outside/);
    await mkdir(join(h.workDir, 'busy'));
    await writeFile(join(h.workDir, 'busy/file'), 'x');
    await expect(
      h.run('git-clone', { repoURL: h.repoURL, checkout: [{ path: 'busy' }] }),
    ).rejects.toThrow(/"busy" already exists and is not empty/);
    await expect(
      h.run('git-clone', {
        repoURL: h.repoURL,
        checkout: [
          { path: 'a', as: 'x' },
          { path: 'b', as: 'x' },
        ],
      }),
    ).rejects.toThrow(/duplicate checkout alias "x"/);
  });

  it('a repeated attempt removes what the earlier one left in its checkouts and starts over', async () => {
    const config = {
      repoURL: h.repoURL,
      checkout: [
        { branch: 'main', path: 'out' },
        { commit: first, path: 'src' },
      ],
    };
    await h.run('git-clone', config);
    // The earlier attempt stopped after writing into its checkout.
    await writeFile(join(h.workDir, 'out/half-written.yaml'), 'x');
    await writeFile(join(h.workDir, 'src/app/values.yaml'), 'changed');

    const result = await h.run('git-clone', config, {
      resumed: true,
      attempt: 2,
    });

    expect(result.output).toEqual({ commits: { out: second, src: first } });
    expect(result.logs.join('\n')).toMatch(
      /Removed checkouts left by an earlier attempt: out, src/,
    );
    expect(existsSync(join(h.workDir, 'out/half-written.yaml'))).toBe(false);
    expect(await readFile(join(h.workDir, 'src/app/values.yaml'), 'utf8')).toBe(
      'v: 1\n',
    );
    expect(h.git('out', 'status', '--porcelain')).toBe('');
  });

  it('initializes submodules with the same credentials when recurseSubmodules is set', async () => {
    // A second repository, served next to the main one.
    const lib = new GitFixture('lib');
    const served = join(h.fixture.reposDir, 'lib.git');
    let libCommit: string;
    try {
      libCommit = lib.commit({
        message: 'lib',
        files: { 'lib.txt': 'library\n' },
      });
      lib.run(lib.root, 'init', '--quiet', '--bare', served);
      lib.run(lib.workDir, 'push', '--quiet', served, 'main');
    } finally {
      lib.cleanup();
    }
    await writeFile(
      join(h.fixture.workDir, '.gitmodules'),
      `[submodule "lib"]\n\tpath = lib\n\turl = ${h.server.url}/lib.git\n`,
    );
    h.fixture.run(
      h.fixture.workDir,
      'update-index',
      '--add',
      '--cacheinfo',
      `160000,${libCommit},lib`,
    );
    // An empty directory is a submodule that is not checked out.
    await mkdir(join(h.fixture.workDir, 'lib'));
    h.fixture.commit({ message: 'add submodule' });
    h.fixture.push();

    await h.run('git-clone', {
      repoURL: h.repoURL,
      recurseSubmodules: true,
      checkout: [{ path: 'out' }],
    });
    expect(await readFile(join(h.workDir, 'out/lib/lib.txt'), 'utf8')).toBe(
      'library\n',
    );
  });

  it('refuses wrong credentials with a clear message that does not contain the password', async () => {
    const wrong = `${PASSWORD}-wrong`;
    h.credentials = { username: USERNAME, password: wrong };
    const error = await h
      .run('git-clone', { repoURL: h.repoURL, checkout: [{ path: 'out' }] })
      .then(
        () => undefined,
        e => e as Error,
      );
    expect(error?.message).toMatch(
      /refused access: check the credentials for it/,
    );
    expect(error?.message).toContain(h.repoURL);
    expect(error?.message).not.toContain(wrong);
    expect(error?.message).not.toContain(encodeURIComponent(wrong));
    const ctx = h.context({ repoURL: h.repoURL, checkout: [{ path: 'out2' }] });
    await h.steps
      .get('git-clone')!
      .run(ctx)
      .catch(() => undefined);
    expect(ctx.logs.join('\n')).not.toContain(wrong);
  });

  it('an aborted Promotion stops the clone and kills git', async () => {
    const hanging = await startHangingServer();
    try {
      const controller = new AbortController();
      const started = Date.now();
      const running = h.run(
        'git-clone',
        { repoURL: `${hanging.url}/slow.git`, checkout: [{ path: 'out' }] },
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 500);
      await expect(running).rejects.toThrow(/was cancelled/);
      expect(Date.now() - started).toBeLessThan(10_000);
      const processes = execFileSync('ps', ['-eo', 'args'], {
        encoding: 'utf8',
      });
      expect(processes).not.toContain(h.workDir);
      expect(processes).not.toContain(hanging.url);
    } finally {
      await hanging.close();
    }
  });
});
