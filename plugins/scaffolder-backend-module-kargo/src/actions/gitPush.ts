import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stepsExample } from './kargoApi';

const run = promisify(execFile);

/**
 * A Git server on this host whose repositories are bare repositories in a
 * folder: URLs `<baseUrl>/<name>.git` are `<root>/<name>.git`. The local
 * demo's server (`/api/demo-git`, `demo.git.root`) is one. A plain Git HTTP
 * server cannot create repositories, so for these the action creates the
 * bare repository before it pushes (over HTTP, like any other remote).
 */
export type LocalGitHost = { baseUrl: string; root: string };

export type GitPushActionOptions = {
  localGitHosts?: LocalGitHost[];
};

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.git$/;

/**
 * `kargo:git:push`: makes a workspace folder the first commit of a new
 * repository and pushes it to any Git URL with the git CLI. The scaffolder's
 * publish actions each speak one forge's API; this needs only Git.
 */
export function createGitPushAction(options: GitPushActionOptions = {}) {
  const localHosts = options.localGitHosts ?? [];
  return createTemplateAction({
    id: 'kargo:git:push',
    description:
      'Commits a workspace folder as the first commit of a repository and pushes it to a plain Git URL (http, https or ssh) with the git CLI. On a configured local Git host (the demo) it creates the bare repository first.',
    supportsDryRun: true,
    examples: [
      stepsExample("Push the rendered GitOps folder to the demo's Git server", {
        id: 'push',
        action: 'kargo:git:push',
        input: {
          sourcePath: './gitops',
          remoteUrl: 'http://localhost:7007/api/demo-git/shop-gitops.git',
          commitMessage: 'Environments for shop',
        },
      }),
    ],
    schema: {
      input: {
        remoteUrl: z =>
          z
            .string()
            .describe('Git URL to push to (http://, https:// or ssh://)'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe('Workspace folder to push (default: the workspace)'),
        branch: z =>
          z.string().optional().describe('Branch to push (default: main)'),
        commitMessage: z =>
          z
            .string()
            .optional()
            .describe('Message of the commit (default: Initial commit)'),
        authorName: z =>
          z
            .string()
            .optional()
            .describe('Commit author (default: the user running the template)'),
        authorEmail: z =>
          z.string().optional().describe("Commit author's e-mail"),
      },
      output: {
        remoteUrl: z => z.string().describe('The URL pushed to'),
        commitHash: z => z.string().describe('The commit pushed'),
      },
    },
    async handler(ctx) {
      const { remoteUrl } = ctx.input;
      const branch = ctx.input.branch || 'main';
      checkRemoteUrl(remoteUrl);
      if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch)) {
        throw new Error(`input.branch is not a branch name: ${branch}`);
      }
      const dir = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      if (!existsSync(dir) || !(await stat(dir)).isDirectory()) {
        throw new Error(`input.sourcePath is not a folder: ${dir}`);
      }
      const local = localRepositoryOf(remoteUrl, localHosts);
      const create = local && !existsSync(local) ? local : undefined;

      if (ctx.isDryRun) {
        const files = await countFiles(dir);
        ctx.logger.info(
          `Dry run: would ${
            create ? `create the bare repository ${create}, then ` : ''
          }push ${files} files as branch ${branch} to ${remoteUrl}`,
        );
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('commitHash', '');
        return;
      }

      const author = {
        name:
          ctx.input.authorName ||
          ctx.user?.entity?.spec?.profile?.displayName ||
          ctx.user?.entity?.metadata.name ||
          'Scaffolder',
        email:
          ctx.input.authorEmail ||
          ctx.user?.entity?.spec?.profile?.email ||
          'scaffolder@backstage.io',
      };
      const git = gitRunner(ctx.signal, author);
      if (create) {
        ctx.logger.info(`Creating the bare repository ${create}`);
        await git(undefined, 'init', '-q', '--bare', '-b', branch, create);
        await git(create, 'config', 'http.receivepack', 'true');
      }
      await git(dir, 'init', '-q', '-b', branch);
      await git(dir, 'add', '-A');
      await git(
        dir,
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        ctx.input.commitMessage || 'Initial commit',
      );
      const commitHash = (await git(dir, 'rev-parse', 'HEAD')).trim();
      ctx.logger.info(`Pushing ${commitHash} to ${remoteUrl} (${branch})`);
      await git(dir, 'push', '-q', remoteUrl, `HEAD:refs/heads/${branch}`);
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('commitHash', commitHash);
    },
  });
}

function checkRemoteUrl(remoteUrl: string) {
  let url: URL;
  try {
    url = new URL(remoteUrl);
  } catch {
    throw new Error(`input.remoteUrl is not a URL: ${remoteUrl}`);
  }
  // file:// and git's other transports would let template input reach
  // any path or program on the backend's host.
  if (!['http:', 'https:', 'ssh:'].includes(url.protocol)) {
    throw new Error(
      `input.remoteUrl must be an http://, https:// or ssh:// URL, got ${url.protocol}`,
    );
  }
  // It would be written to the task's log; git's credential helpers and
  // SSH keys on the backend's host are the way to authenticate.
  if (url.password) {
    throw new Error('input.remoteUrl must not contain a password or token');
  }
}

/** The bare repository on this host that `remoteUrl` names, if any. */
function localRepositoryOf(
  remoteUrl: string,
  hosts: LocalGitHost[],
): string | undefined {
  for (const { baseUrl, root } of hosts) {
    const prefix = `${baseUrl.replace(/\/+$/, '')}/`;
    if (remoteUrl.startsWith(prefix)) {
      const name = remoteUrl.slice(prefix.length);
      if (!REPO_NAME.test(name) || name.includes('..')) {
        throw new Error(
          `input.remoteUrl must name a repository <name>.git directly under ${prefix}`,
        );
      }
      return join(root, name);
    }
  }
  return undefined;
}

function gitRunner(
  signal: AbortSignal | undefined,
  author: { name: string; email: string },
) {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  return async (cwd: string | undefined, ...args: string[]) => {
    try {
      const { stdout } = await run(
        'git',
        ['-c', 'commit.gpgsign=false', ...args],
        { cwd, env, signal, timeout: 120_000 },
      );
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(
        `git ${args[0]} failed: ${(e.stderr || e.message).trim()}`,
      );
    }
  };
}

async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    count += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}
