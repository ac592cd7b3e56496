import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcessGroup } from '../../../process/runProcessGroup';

/*
 * Running the `git` CLI: a timeout and abort handling for every process,
 * credentials handed over through an askpass helper (never in argv or URLs),
 * and an environment isolated from the host's Git configuration.
 */

/** Username and password for one git process. */
export type GitAuth = { username?: string; password: string };

/** One git process to run. */
export type GitInvocation = {
  /** Arguments after `git` (global `-c` options included). */
  args: string[];
  /** Working directory (a bare repository, or the helper's home). */
  cwd: string;
  /** Extra environment variables (credentials are added by the runner). */
  env: Record<string, string>;
  /** Kill the process after this many milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
};

export type GitResult = {
  /** Exit code; null when the process was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
};

/** Runs one git process. Injectable so tests can count or fake processes. */
export type GitRunner = (invocation: GitInvocation) => Promise<GitResult>;

/** Output beyond this is an error (tag listings of enormous repositories). */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
/** Only the end of stderr matters for error messages. */
const MAX_STDERR_BYTES = 64 * 1024;
/** After SIGTERM, the process group gets this long before SIGKILL. */
const KILL_GRACE_MS = 2000;

/**
 * Runs `git` in its own process group, so that on timeout or abort its
 * helpers (git-remote-http, the askpass script) are killed too.
 */
export function createGitProcessRunner(gitBinary = 'git'): GitRunner {
  return async invocation => {
    if (invocation.signal?.aborted) {
      return {
        code: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        aborted: true,
      };
    }
    const result = await runProcessGroup({
      command: gitBinary,
      args: invocation.args,
      cwd: invocation.cwd,
      env: invocation.env,
      timeoutMs: invocation.timeoutMs,
      signal: invocation.signal,
      maxStdoutBytes: MAX_STDOUT_BYTES,
      stderrTailBytes: MAX_STDERR_BYTES,
      killGraceMs: KILL_GRACE_MS,
    });
    return {
      code: result.overflow ? null : result.code,
      stdout: result.stdout.toString('utf8'),
      stderr: result.overflow
        ? `output exceeded ${MAX_STDOUT_BYTES} bytes`
        : result.stderr.toString('utf8'),
      timedOut: result.timedOut,
      aborted: result.aborted,
    };
  };
}

const ASKPASS_SCRIPT = `#!/bin/sh
# Answers git's credential prompts from the environment of this one process.
case "$1" in
  [Uu]sername*) printf '%s\\n' "$KARGO_GIT_USERNAME" ;;
  *) printf '%s\\n' "$KARGO_GIT_PASSWORD" ;;
esac
`;

/** Environment variables passed through from the host when set. */
const PASSTHROUGH_ENV = [
  'PATH',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'TMPDIR',
];

/**
 * The environment and files shared by all git processes of one discoverer:
 * an empty HOME (so no user configuration or credential store is read), no
 * system configuration, no terminal prompts, English messages (errors are
 * classified from them), and the askpass helper.
 */
export class GitEnvironment {
  private ready?: Promise<void>;
  readonly homeDir: string;
  readonly askpassPath: string;

  constructor(baseDir: string) {
    this.homeDir = join(baseDir, 'home');
    this.askpassPath = join(baseDir, 'askpass.sh');
  }

  /** Creates the home directory and the askpass helper (once). */
  prepare(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.homeDir, { recursive: true, mode: 0o700 });
      await writeFile(this.askpassPath, ASKPASS_SCRIPT, { mode: 0o700 });
      await chmod(this.askpassPath, 0o700);
    })().catch(e => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** The environment for one process, with credentials if any. */
  env(auth?: GitAuth): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of PASSTHROUGH_ENV) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, {
      HOME: this.homeDir,
      XDG_CONFIG_HOME: this.homeDir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      // Stall detection, as Kargo configures it: abort transfers slower than
      // 1 KiB/s for 30 s.
      GIT_HTTP_LOW_SPEED_LIMIT: '1024',
      GIT_HTTP_LOW_SPEED_TIME: '30',
      GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
      LC_ALL: 'C',
      LANG: 'C',
      LANGUAGE: 'C',
    });
    if (auth && auth.password) {
      env.GIT_ASKPASS = this.askpassPath;
      env.KARGO_GIT_USERNAME = auth.username ?? '';
      env.KARGO_GIT_PASSWORD = auth.password;
    }
    return env;
  }
}
