/**
 * Git repositories for the discovery figures: one built with the test
 * fixture (a history of `commits` commits on main), bare copies of it under
 * other names, all served over smart HTTP (`git http-backend`) on 127.0.0.1
 * by the tests' server.
 */
import { execFileSync } from 'node:child_process';
import { GitFixture } from '../../src/warehouses/discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../../src/warehouses/discovery/git/__testUtils__/gitHttpServer';

export type BenchGitRepos = {
  /** URL of the repository with the history. */
  mainURL: string;
  /** URLs of the copies, `copies` of them. */
  copyURLs: string[];
  commits: number;
  server: GitHttpServer;
  close(): Promise<void>;
};

export async function startGitRepos(options: {
  commits: number;
  copies: number;
}): Promise<BenchGitRepos> {
  const fixture = new GitFixture('app');
  try {
    for (let i = 0; i < options.commits; i++) {
      const files: Record<string, string> = {
        'app/version.txt': `1.0.${i}\n`,
      };
      if (i % 10 === 0) files[`config/env-${i % 7}.yaml`] = `replicas: ${i}\n`;
      fixture.commit({ message: `release 1.0.${i}`, files });
    }
    fixture.push();
    const copyURLs: string[] = [];
    for (let i = 0; i < options.copies; i++) {
      const name = `app-${String(i).padStart(2, '0')}.git`;
      execFileSync(
        'git',
        ['clone', '--bare', '--quiet', fixture.bareDir, name],
        {
          cwd: fixture.reposDir,
          env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' },
        },
      );
      copyURLs.push(name);
    }
    const server = await startGitHttpServer({
      root: fixture.reposDir,
      allowPush: false,
    });
    return {
      mainURL: `${server.url}/app.git`,
      copyURLs: copyURLs.map(n => `${server.url}/${n}`),
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
