import { LaunchedProcess, SpawnHelper } from './spawnHelper';

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

/** Starts every command (see spawnHelper.ts for why not spawn() here). */
const helper = new SpawnHelper();

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
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    const state = { timedOut: false, aborted: false, overflow: false };
    let stoppedBy: ProcessGroupResult['stoppedBy'];
    let killTimer: NodeJS.Timeout | undefined;
    // Set at once below; the handlers that use them run later.
    const started: { child?: LaunchedProcess; timer?: NodeJS.Timeout } = {};

    const stop = (why: 'timeout' | 'abort' | 'overflow') => {
      stoppedBy ??= why;
      if (!options.killGraceMs) {
        started.child?.killGroup('SIGKILL');
        return;
      }
      started.child?.killGroup('SIGTERM');
      killTimer ??= setTimeout(
        () => started.child?.killGroup('SIGKILL'),
        options.killGraceMs,
      );
      killTimer.unref?.();
    };
    const onAbort = () => {
      state.aborted = true;
      stop('abort');
    };
    // The helper reports exactly one of error and close per command.
    const finish = () => {
      clearTimeout(started.timer);
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    started.child = helper.launch(
      {
        command: options.command,
        args: options.args,
        cwd: options.cwd,
        env: options.env,
        stdin: options.stdin,
      },
      {
        stdout: chunk => {
          if (state.overflow) return;
          stdoutBytes += chunk.length;
          if (stdoutBytes > options.maxStdoutBytes) {
            state.overflow = true;
            stop('overflow');
            return;
          }
          stdout.push(chunk);
        },
        stderr: chunk => {
          stderr = Buffer.concat([stderr, chunk]);
          if (stderr.length > options.stderrTailBytes) {
            stderr = stderr.subarray(stderr.length - options.stderrTailBytes);
          }
        },
        error: error => {
          finish();
          reject(error);
        },
        close: (code, killedBy) => {
          finish();
          resolve({
            code,
            killedBy,
            stdout: Buffer.concat(stdout),
            stderr,
            ...state,
            stoppedBy,
          });
        },
      },
    );
    started.timer = setTimeout(() => {
      state.timedOut = true;
      stop('timeout');
    }, options.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
