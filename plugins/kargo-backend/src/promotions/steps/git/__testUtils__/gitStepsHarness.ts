import type { JsonObject } from '@backstage/types';
import type {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
} from '@kargo-backstage/plugin-kargo-node';
import Ajv from 'ajv';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitFixture } from '../../../../warehouses/discovery/git/__testUtils__/gitFixtures';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../../../../warehouses/discovery/git/__testUtils__/gitHttpServer';
import { createGitProcessRunner } from '../../../../warehouses/discovery/git/gitProcess';
import type { RepositoryCredentials } from '../../../../warehouses/discovery/types';
import {
  createStepContext,
  createTestWorkDir,
} from '../../__testUtils__/stepContext';
import { createGitSteps, CreateGitStepsOptions } from '..';

export const USERNAME = 'kargo-bot';
export const PASSWORD = 's3cr3t-P@ss/word';

/**
 * One Git repository (with a first commit on `main`) served over smart HTTP
 * behind Basic auth, the git steps with credentials for it, and a
 * Promotion work directory.
 */
export class GitStepsHarness {
  readonly fixture: GitFixture;
  server!: GitHttpServer;
  workDir!: string;
  homeDir!: string;
  steps!: Map<string, PromotionStepRunner>;
  /** What the credentials provider hands out for the server's URLs. */
  credentials: RepositoryCredentials | undefined = {
    username: USERNAME,
    password: PASSWORD,
  };
  /** More URL prefixes the credentials are for (e.g. a proxy's). */
  otherURLs: string[] = [];
  private cleanups: Array<() => Promise<void>> = [];
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  constructor(name = 'repo') {
    this.fixture = new GitFixture(name);
  }

  get repoURL(): string {
    return `${this.server.url}/${this.fixture.bareDir.slice(
      this.fixture.reposDir.length + 1,
    )}`;
  }

  async start(options: Partial<CreateGitStepsOptions> = {}): Promise<this> {
    this.server = await startGitHttpServer({
      root: this.fixture.reposDir,
      username: USERNAME,
      password: PASSWORD,
    });
    const work = await createTestWorkDir();
    this.workDir = work.workDir;
    this.homeDir = await mkdtemp(join(tmpdir(), 'kargo-git-home-'));
    this.cleanups.push(
      () => this.server.close(),
      work.cleanup,
      () => rm(this.homeDir, { recursive: true, force: true }),
    );
    this.steps = this.createSteps(options);
    return this;
  }

  /** A fresh set of step runners (as another backend would have). */
  createSteps(options: Partial<CreateGitStepsOptions> = {}) {
    const runners = createGitSteps({
      credentials: {
        lookup: async (_type, url) =>
          [this.server.url, ...this.otherURLs].some(u => url.startsWith(u))
            ? this.credentials
            : undefined,
      },
      homeDir: this.homeDir,
      pushRetryDelayMs: 10,
      ...options,
    });
    return new Map(runners.map(r => [r.name, r]));
  }

  /**
   * Step runners (as createSteps) that record the git subcommand of every
   * process they start, in order.
   */
  countingSteps(options: Partial<CreateGitStepsOptions> = {}) {
    const processes: string[] = [];
    const real = createGitProcessRunner();
    const steps = this.createSteps({
      ...options,
      runner: invocation => {
        // The subcommand: the first argument that is not a `-c` setting.
        processes.push(
          invocation.args.find(
            (a, i) => a !== '-c' && invocation.args[i - 1] !== '-c',
          )!,
        );
        return real(invocation);
      },
    });
    return { steps, processes };
  }

  /** The context a step gets, in this harness's work directory. */
  context(
    config: JsonObject,
    overrides: Partial<PromotionStepContext> = {},
  ): PromotionStepContext & { logs: string[] } {
    return createStepContext(this.workDir, config, overrides);
  }

  /**
   * Validates `config` against the step's schema as the engine does, then
   * runs the step.
   */
  async run(
    name: string,
    config: JsonObject,
    overrides: Partial<PromotionStepContext> & {
      steps?: Map<string, PromotionStepRunner>;
    } = {},
  ): Promise<PromotionStepResult & { logs: string[] }> {
    const { steps = this.steps, ...rest } = overrides;
    const step = steps.get(name)!;
    const validate = this.ajv.compile(step.configSchema!);
    if (!validate(config)) {
      throw new Error(
        `invalid config: ${this.ajv.errorsText(validate.errors)}`,
      );
    }
    const ctx = this.context(config, rest);
    const result = await step.run(ctx);
    return { ...result, logs: ctx.logs };
  }

  /** Clones main (or `checkout`) into `path`, as its own git-clone step. */
  cloneInto(path: string, checkout: JsonObject = { branch: 'main' }) {
    return this.run(
      'git-clone',
      { repoURL: this.repoURL, checkout: [{ ...checkout, path }] },
      { alias: `clone-${path}` },
    );
  }

  /** Writes `file` in the working tree at `path` and runs git-commit. */
  async commitFile(path: string, file: string, content: string) {
    await writeFile(join(this.workDir, path, file), content);
    const result = await this.run('git-commit', {
      path,
      message: `${path}: ${file}`,
    });
    return result.output!.commit as string;
  }

  /** Pushes a commit to the remote's main behind the steps' back. */
  landElsewhere(file: string, content: string): string {
    const dir = this.fixture.workDir;
    this.fixture.run(dir, 'fetch', '--quiet', 'origin');
    this.fixture.run(dir, 'reset', '--quiet', '--hard', 'origin/main');
    const id = this.fixture.commit({
      message: `elsewhere: ${file}`,
      files: { [file]: content },
    });
    this.fixture.run(dir, 'push', '--quiet', 'origin', 'main');
    return id;
  }

  /** How many requests the server saw for pushes (receive-pack). */
  receivePacks(): number {
    return this.server.requests.filter(r => r.url.includes('git-receive-pack'))
      .length;
  }

  /** `git` in the bare repository (the remote's state). */
  remote(...args: string[]): string {
    return this.fixture.run(this.fixture.bareDir, ...args).trim();
  }

  /** `git` in a directory of the work directory. */
  git(path: string, ...args: string[]): string {
    return this.fixture.run(join(this.workDir, path), ...args).trim();
  }

  async cleanup(): Promise<void> {
    for (const c of this.cleanups.reverse()) await c();
    this.fixture.cleanup();
  }
}
