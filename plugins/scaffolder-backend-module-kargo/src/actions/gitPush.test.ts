import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import { createGitPushAction } from './gitPush';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();

describe('kargo:git:push', () => {
  let root: string;
  let workspacePath: string;
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'kargo-git-root-'));
    workspacePath = mkdtempSync(join(tmpdir(), 'kargo-git-ws-'));
    server = await startGitHttpServer(root);
    for (const [path, content] of Object.entries({
      'gitops/env/dev/values.yaml': 'app:\n  environment: dev\n',
      'gitops/README.md': '# shop\n',
      'other/ignored.txt': 'not pushed\n',
    })) {
      mkdirSync(dirname(join(workspacePath, path)), { recursive: true });
      writeFileSync(join(workspacePath, path), content);
    }
  });
  afterEach(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(workspacePath, { recursive: true, force: true });
  });

  function run(
    input: Record<string, string>,
    options: { local?: boolean; dryRun?: boolean } = {},
  ) {
    const action = createGitPushAction({
      localGitHosts: options.local ? [{ baseUrl: server.url, root }] : [],
    });
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath,
      logger: mockServices.logger.mock(),
      user: {
        ref: 'user:default/dev',
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'dev' },
          spec: {
            profile: { displayName: 'Dee Veloper', email: 'dev@example.com' },
          },
        },
      },
    });
    (ctx as { isDryRun?: boolean }).isDryRun = options.dryRun;
    return { ctx, done: action.handler(ctx as any) };
  }

  /** A fresh clone of the repository (asynchronously: the server is ours). */
  async function cloneOf(name: string) {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-git-clone-'));
    await promisify(execFile)(
      'git',
      ['clone', '-q', `${server.url}/${name}.git`, 'c'],
      { cwd: dir, timeout: 30_000 },
    );
    return join(dir, 'c');
  }

  it('pushes a workspace folder over HTTP to an existing empty repository', async () => {
    git(root, 'init', '-q', '--bare', '-b', 'main', 'shop-gitops.git');
    git(join(root, 'shop-gitops.git'), 'config', 'http.receivepack', 'true');
    const { ctx, done } = run({
      remoteUrl: `${server.url}/shop-gitops.git`,
      sourcePath: './gitops',
      commitMessage: 'Environments for shop',
    });
    await done;

    const clone = await cloneOf('shop-gitops');
    expect(readFileSync(join(clone, 'env/dev/values.yaml'), 'utf8')).toBe(
      'app:\n  environment: dev\n',
    );
    expect(existsSync(join(clone, 'ignored.txt'))).toBe(false);
    expect(git(clone, 'log', '--format=%an <%ae>|%s')).toBe(
      'Dee Veloper <dev@example.com>|Environments for shop',
    );
    expect(git(clone, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(ctx.output).toHaveBeenCalledWith(
      'commitHash',
      git(clone, 'rev-parse', 'HEAD'),
    );
  });

  it('creates the bare repository first on a local Git host', async () => {
    await run(
      { remoteUrl: `${server.url}/new-src.git`, sourcePath: 'gitops' },
      { local: true },
    ).done;
    expect(existsSync(join(root, 'new-src.git', 'HEAD'))).toBe(true);
    expect(
      readFileSync(join(await cloneOf('new-src'), 'README.md'), 'utf8'),
    ).toBe('# shop\n');
  });

  it('neither creates nor pushes on a dry run', async () => {
    const { ctx, done } = run(
      { remoteUrl: `${server.url}/new-src.git`, sourcePath: 'gitops' },
      { local: true, dryRun: true },
    );
    await done;
    expect(existsSync(join(root, 'new-src.git'))).toBe(false);
    expect(existsSync(join(workspacePath, 'gitops', '.git'))).toBe(false);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      `Dry run: would create the bare repository ${join(
        root,
        'new-src.git',
      )}, then push 2 files as branch main to ${server.url}/new-src.git`,
    );
  });

  it('does not overwrite a repository that has history', async () => {
    await run(
      { remoteUrl: `${server.url}/taken.git`, sourcePath: 'gitops' },
      { local: true },
    ).done;
    await expect(
      run(
        { remoteUrl: `${server.url}/taken.git`, sourcePath: 'other' },
        { local: true },
      ).done,
    ).rejects.toThrow(/^git push failed: .*rejected/s);
  });

  it('fails with git’s message when the repository does not exist', async () => {
    await expect(
      run({ remoteUrl: `${server.url}/missing.git`, sourcePath: 'gitops' })
        .done,
    ).rejects.toThrow(/^git push failed: /);
  });

  it.each([
    [
      'file:///tmp/repo.git',
      /must be an http:\/\/, https:\/\/ or ssh:\/\/ URL/,
    ],
    ['ext::sh -c touch% /tmp/x', /is not a URL|must be an http/],
    ['not a url', /is not a URL/],
    ['https://x:secret@example.com/r.git', /must not contain a password/],
  ])('refuses the remote %s', async (remoteUrl, message) => {
    await expect(run({ remoteUrl }).done).rejects.toThrow(message);
  });

  it('refuses a local-host URL that is not <name>.git directly under it', async () => {
    await expect(
      run(
        { remoteUrl: `${server.url}/a/../../b.git`, sourcePath: 'gitops' },
        { local: true },
      ).done,
    ).rejects.toThrow(/must name a repository <name>\.git directly under/);
  });
});
