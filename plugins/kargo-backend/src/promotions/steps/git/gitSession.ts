import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { dirname } from 'node:path';
import { realpath } from 'node:fs/promises';
import type { RepositoryConfigCache } from './repoConfigGuard';
import {
  gitFailure,
  scrubSecrets,
} from '../../../warehouses/discovery/git/gitErrors';
import {
  GitAuth,
  GitEnvironment,
  GitResult,
  GitRunner,
} from '../../../warehouses/discovery/git/gitProcess';

/** Who commits, tags and rebases. */
export type GitIdentity = { name: string; email: string };

/** What every git step shares: how to run git, and where its HOME lives. */
export type GitToolbox = {
  runner: GitRunner;
  environment: GitEnvironment;
  gitBinary: string;
  timeoutMs: number;
  /** Repositories' settings, kept while their configuration is unchanged. */
  configCache: RepositoryConfigCache;
};

export type GitCall = {
  /** Directory git runs in. */
  cwd: string;
  /** Used in messages: "clone", "push to branch main". */
  operation: string;
  /** Set for commands that talk to this remote: failures are explained. */
  remoteURL?: string;
  /** Author and committer for commands that write commits or tags. */
  identity?: GitIdentity;
};

/*
 * Configuration that the command line forces on every git process. Steps run
 * user-written config and other steps may write files anywhere in the work
 * directory, including a repository's `config` or hooks: these settings keep
 * such files from turning a git command into an arbitrary command (the rest
 * is refused by repoConfigGuard).
 */
const HARDENING = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'credential.helper=',
  '-c',
  'protocol.ext.allow=never',
];

/*
 * A Promotion's clones live for one Promotion: housekeeping in them is
 * wasted work. Without these, commit, fetch, merge and rebase each start
 * `git maintenance run --auto` (`git gc --auto` before Git 2.29) afterwards.
 */
const NO_HOUSEKEEPING = ['-c', 'maintenance.auto=false', '-c', 'gc.auto=0'];

/**
 * Runs git for one step attempt: the step's abort signal, the repository's
 * credentials (through askpass, never in argv or URLs), no repository
 * discovery above the Promotion's work directory, and errors that name what
 * failed without leaking the password.
 */
export class GitSession {
  private constructor(
    private readonly toolbox: GitToolbox,
    private readonly ceiling: string,
    private readonly signal: AbortSignal,
    private readonly auth?: GitAuth,
  ) {}

  static async open(
    toolbox: GitToolbox,
    workDir: string,
    signal: AbortSignal,
    auth?: GitAuth,
  ): Promise<GitSession> {
    await toolbox.environment.prepare();
    const ceiling = dirname(await realpath(workDir));
    return new GitSession(toolbox, ceiling, signal, auth);
  }

  get configCache(): RepositoryConfigCache {
    return this.toolbox.configCache;
  }

  /** Removes the password (if any) from text bound for a message or log. */
  scrub(text: string): string {
    return scrubSecrets(text, this.auth?.password ? [this.auth.password] : []);
  }

  /** Runs git and returns its result, whatever the exit code. */
  async exec(args: string[], call: GitCall): Promise<GitResult> {
    const env = {
      ...this.toolbox.environment.env(this.auth),
      GIT_CEILING_DIRECTORIES: this.ceiling,
      GIT_EDITOR: 'true',
      GIT_MERGE_AUTOEDIT: 'no',
      ...(call.identity
        ? {
            GIT_AUTHOR_NAME: call.identity.name,
            GIT_AUTHOR_EMAIL: call.identity.email,
            GIT_COMMITTER_NAME: call.identity.name,
            GIT_COMMITTER_EMAIL: call.identity.email,
          }
        : {}),
    };
    let result: GitResult;
    try {
      result = await this.toolbox.runner({
        args: [...HARDENING, ...NO_HOUSEKEEPING, ...args],
        cwd: call.cwd,
        env,
        timeoutMs: this.toolbox.timeoutMs,
        signal: this.signal,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new TerminalStepError(
          `the git binary "${this.toolbox.gitBinary}" was not found: install Git on the Backstage backend host or configure its path`,
        );
      }
      throw error;
    }
    if (result.aborted) {
      throw new Error(`${call.operation} was cancelled`);
    }
    if (result.timedOut) {
      throw new Error(
        `${call.operation} took longer than ${Math.round(
          this.toolbox.timeoutMs / 1000,
        )}s and was stopped`,
      );
    }
    return result;
  }

  /** Runs git; its trimmed stdout on success, an explaining error otherwise. */
  async run(args: string[], call: GitCall): Promise<string> {
    const result = await this.exec(args, call);
    if (result.code !== 0) throw this.failure(result, call);
    return result.stdout.trim();
  }

  /** The error for a failed git process. */
  failure(result: GitResult, call: GitCall): Error {
    if (call.remoteURL) {
      const explained = gitFailure({
        repoURL: call.remoteURL,
        operation: call.operation,
        stderr: result.stderr,
        secrets: this.auth?.password ? [this.auth.password] : [],
      });
      // Unclassified failures already start with the operation.
      return explained.message.startsWith(call.operation)
        ? new Error(explained.message)
        : new Error(`${call.operation}: ${explained.message}`);
    }
    return new Error(
      this.scrub(`${call.operation} failed: ${gitDetail(result.stderr)}`),
    );
  }
}

/** The last meaningful lines of git's stderr. */
export function gitDetail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^(hint|warning):/i.test(l));
  return lines.slice(-4).join('; ').slice(0, 600) || 'no output from git';
}
