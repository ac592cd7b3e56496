import { join } from 'node:path';
import {
  createGitProcessRunner,
  GitEnvironment,
  GitRunner,
} from '../../../warehouses/discovery/git/gitProcess';
import { CredentialsProvider } from '../../../warehouses/discovery/types';
import { GitIdentity, GitToolbox } from './gitSession';
import { RepositoryConfigCache } from './repoConfigGuard';

/**
 * How git-push integrates commits that landed on the remote branch since
 * the clone (Kargo's operator setting GIT_PUSH_INTEGRATION_POLICY). Without
 * commit signing, Kargo's signature-aware RebaseOrMerge and RebaseOrFail
 * always find a rebase safe, so they behave as AlwaysRebase.
 */
export type PushIntegrationPolicy =
  | 'AlwaysRebase'
  | 'RebaseOrMerge'
  | 'RebaseOrFail'
  | 'AlwaysMerge';

/** What the factory of the git steps needs. */
export type CreateGitStepsOptions = {
  /** Repository credentials (kargo.credentials, Backstage integrations). */
  credentials: CredentialsProvider;
  /**
   * A directory of the backend's own (not a Promotion's) for the git
   * processes' private HOME and the askpass helper.
   */
  homeDir: string;
  /** The git executable (default `git` on PATH). */
  gitBinary?: string;
  /**
   * Author and committer when git-clone's config names none (Kargo's
   * operator-configured system user); default Kargo <no-reply@kargo.io>.
   */
  author?: GitIdentity;
  /** Default AlwaysRebase, Kargo's current default. */
  pushIntegrationPolicy?: PushIntegrationPolicy;
  /** Limit for each git process in ms (default 30 minutes). */
  commandTimeoutMs?: number;
  /**
   * First wait before git-push tries again after the remote branch moved
   * (default 1000 ms; grows 1.5× per attempt with jitter, at most 30 s).
   */
  pushRetryDelayMs?: number;
  /** Runs git processes; tests wrap the real runner to interleave events. */
  runner?: GitRunner;
};

/** The factory's options, resolved, as each step receives them. */
export type GitStepDeps = {
  credentials: CredentialsProvider;
  toolbox: GitToolbox;
  author?: GitIdentity;
  pushIntegrationPolicy: PushIntegrationPolicy;
  pushRetryDelayMs: number;
};

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export function resolveGitStepDeps(
  options: CreateGitStepsOptions,
): GitStepDeps {
  const gitBinary = options.gitBinary ?? 'git';
  return {
    credentials: options.credentials,
    toolbox: {
      runner: options.runner ?? createGitProcessRunner(gitBinary),
      environment: new GitEnvironment(join(options.homeDir, 'git-steps')),
      gitBinary,
      timeoutMs: options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      configCache: new RepositoryConfigCache(),
    },
    author: options.author,
    pushIntegrationPolicy: options.pushIntegrationPolicy ?? 'AlwaysRebase',
    pushRetryDelayMs: options.pushRetryDelayMs ?? 1000,
  };
}
