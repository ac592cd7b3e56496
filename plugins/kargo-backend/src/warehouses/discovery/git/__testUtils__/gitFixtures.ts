import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/*
 * Real Git repositories for tests, made with the git CLI: a work tree whose
 * commits carry controlled dates and identities, pushed to a bare
 * repository that tests reach over file:// or smart HTTP.
 */

export type CommitSpec = {
  message: string;
  /** Files to write (path → content); null deletes the file. */
  files?: Record<string, string | null>;
  /** ISO date for both author and committer (default: a fixed clock). */
  date?: string;
  author?: { name: string; email: string };
  committer?: { name: string; email: string };
};

const DEFAULT_AUTHOR = { name: 'Alice Author', email: 'alice@example.com' };
const DEFAULT_COMMITTER = {
  name: 'Carol Committer',
  email: 'carol@example.com',
};

export class GitFixture {
  /** Scratch directory holding everything below. */
  readonly root: string;
  /** Directory of bare repositories (serve it over HTTP). */
  readonly reposDir: string;
  /** The bare repository. */
  readonly bareDir: string;
  /** A work tree whose origin is the bare repository. */
  readonly workDir: string;
  private clock = Date.parse('2024-01-01T00:00:00Z');

  constructor(name = 'repo', options: { defaultBranch?: string } = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'kargo-git-fixture-'));
    this.reposDir = join(this.root, 'repos');
    this.bareDir = join(this.reposDir, `${name}.git`);
    this.workDir = join(this.root, 'work');
    mkdirSync(this.reposDir, { recursive: true });
    const branch = options.defaultBranch ?? 'main';
    this.run(
      this.root,
      'init',
      '--bare',
      '--quiet',
      `--initial-branch=${branch}`,
      this.bareDir,
    );
    this.run(
      this.root,
      'init',
      '--quiet',
      `--initial-branch=${branch}`,
      this.workDir,
    );
    this.run(this.workDir, 'remote', 'add', 'origin', this.bareDir);
  }

  /** file:// URL of the bare repository. */
  get fileURL(): string {
    return `file://${this.bareDir}`;
  }

  /** Runs git with a clean environment and fixed identities. */
  run(cwd: string, ...args: string[]): string {
    return this.runWithEnv(cwd, {}, ...args);
  }

  runWithEnv(
    cwd: string,
    env: Record<string, string>,
    ...args: string[]
  ): string {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        HOME: this.root,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: DEFAULT_AUTHOR.name,
        GIT_AUTHOR_EMAIL: DEFAULT_AUTHOR.email,
        GIT_COMMITTER_NAME: DEFAULT_COMMITTER.name,
        GIT_COMMITTER_EMAIL: DEFAULT_COMMITTER.email,
        ...env,
      },
    });
  }

  private nextDate(date?: string): string {
    if (date) return date;
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  /** Commits (allowing empty commits) and returns the commit id. */
  commit(spec: CommitSpec): string {
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      const full = join(this.workDir, path);
      if (content === null) {
        rmSync(full, { force: true });
      } else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    this.run(this.workDir, 'add', '--all');
    const date = this.nextDate(spec.date);
    const author = spec.author ?? DEFAULT_AUTHOR;
    const committer = spec.committer ?? DEFAULT_COMMITTER;
    this.runWithEnv(
      this.workDir,
      {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
      },
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      spec.message,
    );
    return this.head();
  }

  head(ref = 'HEAD'): string {
    return this.run(this.workDir, 'rev-parse', ref).trim();
  }

  /** Lightweight tag (its date is the commit's). */
  lightweightTag(name: string, ref = 'HEAD'): void {
    this.run(this.workDir, 'tag', name, ref);
  }

  /** Annotated tag with a controlled tagger date; returns the tag object id. */
  annotatedTag(
    name: string,
    options: {
      message?: string;
      date?: string;
      ref?: string;
      tagger?: { name: string; email: string };
    } = {},
  ): string {
    const date = this.nextDate(options.date);
    const tagger = options.tagger ?? {
      name: 'Tom Tagger',
      email: 'tom@example.com',
    };
    this.runWithEnv(
      this.workDir,
      {
        GIT_COMMITTER_DATE: date,
        GIT_COMMITTER_NAME: tagger.name,
        GIT_COMMITTER_EMAIL: tagger.email,
      },
      'tag',
      '-a',
      name,
      '-m',
      options.message ?? `release ${name}`,
      options.ref ?? 'HEAD',
    );
    return this.head(`refs/tags/${name}`);
  }

  checkout(branch: string, create = false): void {
    this.run(
      this.workDir,
      'checkout',
      '--quiet',
      ...(create ? ['-b'] : []),
      branch,
    );
  }

  /** Pushes all branches and tags (forced, pruning deleted tags). */
  push(): void {
    this.run(this.workDir, 'push', '--quiet', '--force', '--all', 'origin');
    this.run(
      this.workDir,
      'push',
      '--quiet',
      '--force',
      '--prune',
      'origin',
      'refs/tags/*:refs/tags/*',
    );
  }

  deleteTag(name: string): void {
    this.run(this.workDir, 'tag', '-d', name);
  }

  /** Lets clients ask for partial clones (blob:none). */
  allowFilter(): void {
    this.run(this.bareDir, 'config', 'uploadpack.allowFilter', 'true');
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
