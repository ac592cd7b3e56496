/**
 * Git repositories for the benchmarks: one built with the test fixture (a
 * history of `commits` commits on main), bare copies of it under other
 * names, all served over smart HTTP (`git http-backend`) on 127.0.0.1 by the
 * tests' server, run in a process of its own. Discovery only reads them; the promotion figures push.
 */
import { execFileSync } from 'node:child_process';
import { GitFixture } from '../../src/warehouses/discovery/git/__testUtils__/gitFixtures';
import { GitServerProcess, startGitServerProcess } from './gitServerProcess';

export type BenchGitRepos = {
  /** URL of the repository with the history. */
  mainURL: string;
  /** Its bare directory (for reading what was pushed). */
  mainDir: string;
  /** URLs of the copies, `copies` of them. */
  copyURLs: string[];
  /** Their bare directories, in the same order. */
  copyDirs: string[];
  commits: number;
  server: GitServerProcess;
  close(): Promise<void>;
};

export type RepoCommit = { message: string; files: Record<string, string> };

/** Discovery's history: a release a commit, a config file every 10th. */
const release = (i: number): RepoCommit => {
  const files: Record<string, string> = { 'app/version.txt': `1.0.${i}\n` };
  if (i % 10 === 0) files[`config/env-${i % 7}.yaml`] = `replicas: ${i}\n`;
  return { message: `release 1.0.${i}`, files };
};

export async function startGitRepos(options: {
  commits: number;
  copies: number;
  /** Repository name; copies are NAME-00.git and on (default "app"). */
  name?: string;
  /** Commit i of the history (default: discovery's releases). */
  commit?: (i: number) => RepoCommit;
  /** Let clients push (default false: discovery only reads). */
  allowPush?: boolean;
}): Promise<BenchGitRepos> {
  const name = options.name ?? 'app';
  const commit = options.commit ?? release;
  const fixture = new GitFixture(name);
  try {
    for (let i = 0; i < options.commits; i++) {
      fixture.commit(commit(i));
    }
    fixture.push();
    const copyNames: string[] = [];
    for (let i = 0; i < options.copies; i++) {
      const copy = `${name}-${String(i).padStart(2, '0')}.git`;
      execFileSync(
        'git',
        ['clone', '--bare', '--quiet', fixture.bareDir, copy],
        {
          cwd: fixture.reposDir,
          env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' },
        },
      );
      copyNames.push(copy);
    }
    const server = await startGitServerProcess({
      root: fixture.reposDir,
      allowPush: options.allowPush ?? false,
    });
    return {
      mainURL: `${server.url}/${name}.git`,
      mainDir: fixture.bareDir,
      copyURLs: copyNames.map(n => `${server.url}/${n}`),
      copyDirs: copyNames.map(n => `${fixture.reposDir}/${n}`),
      commits: options.commits,
      server,
      async close() {
        await server.close();
        fixture.cleanup();
      },
    };
  } catch (error) {
    fixture.cleanup();
    throw error;
  }
}
