import { spawn } from 'node:child_process';

export type ProcessGroupOptions = {
  command: string;
  args: string[];
  cwd: string;
  /** The child's whole environment (nothing is inherited beyond it). */
  env: Record<string, string>;
  /** Written to standard input; without it stdin is closed. */
  stdin?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Standard output beyond this stops the process (`overflow`). */
  maxStdoutBytes: number;
  /** Only the end of standard error is kept. */
  stderrTailBytes: number;
  /** SIGTERM first and SIGKILL this much later; 0 kills at once. */
  killGraceMs: number;
};

export type ProcessGroupResult = {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  killedBy: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last `stderrTailBytes` of standard error. */
  stderr: Buffer;
  timedOut: boolean;
  aborted: boolean;
  overflow: boolean;
  /** Which of the three stopped it first, if any. */
  stoppedBy?: 'timeout' | 'abort' | 'overflow';
};

/**
 * Runs a command in its own process group and collects its output. A
 * timeout, an abort or too much output kills the whole group, so helpers a
 * tool starts (git-remote-http, askpass scripts, kustomize's helm) go too.
 * Rejects only when the command cannot be started (e.g. ENOENT).
 */
export function runProcessGroup(
  options: ProcessGroupOptions,
): Promise<ProcessGroupResult> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    const state = { timedOut: false, aborted: false, overflow: false };
    let stoppedBy: ProcessGroupResult['stoppedBy'];
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          // already gone
        }
      }
    };
    const stop = (why: 'timeout' | 'abort' | 'overflow') => {
      stoppedBy ??= why;
      if (!options.killGraceMs) {
        killGroup('SIGKILL');
        return;
      }
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), options.killGraceMs);
      killTimer.unref?.();
    };
    const timer = setTimeout(() => {
      state.timedOut = true;
      stop('timeout');
    }, options.timeoutMs);
    const onAbort = () => {
      state.aborted = true;
      stop('abort');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > options.maxStdoutBytes) {
        state.overflow = true;
        stop('overflow');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > options.stderrTailBytes) {
        stderr = stderr.subarray(stderr.length - options.stderrTailBytes);
      }
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin);
    }
    const finish = () => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', error => {
      finish();
      reject(error);
    });
    child.on('close', (code, killedBy) => {
      finish();
      // A helper may outlive the command itself; make sure the group is gone.
      if (stoppedBy) killGroup('SIGKILL');
      resolve({
        code,
        killedBy,
        stdout: Buffer.concat(stdout),
        stderr,
        ...state,
        stoppedBy,
      });
    });
  });
}
