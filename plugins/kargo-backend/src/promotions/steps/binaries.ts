import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { runProcessGroup } from '../../process/runProcessGroup';

/** A binary that exited with a non-zero status (or was killed by a signal). */
export class BinaryFailedError extends Error {
  constructor(
    readonly binary: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    message: string,
    /** The end of standard output (some tools report failures there). */
    readonly stdoutTail = '',
  ) {
    super(message);
    this.name = 'BinaryFailedError';
  }
}

/** The TerminalStepError for a step whose binary is not installed. */
export function missingBinaryError(
  step: string,
  binary: string,
  alternative?: string,
): TerminalStepError {
  const also = alternative ? ` (or \`${alternative}\`)` : '';
  return new TerminalStepError(
    `${step} needs the \`${binary}\` binary${also} on the backend's PATH`,
  );
}

/**
 * The absolute path of `binary` on the backend's PATH (read at each call),
 * or undefined. Only executable regular files count.
 */
export async function findBinary(binary: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, binary);
    try {
      if (!(await stat(candidate)).isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** `binary`'s absolute path, or the step's missing-binary TerminalStepError. */
export async function requireBinary(step: string, binary: string) {
  const path = await findBinary(binary);
  if (!path) throw missingBinaryError(step, binary);
  return path;
}

/**
 * The backend's variables a child may see: the ones tools need to reach
 * the network and find certificates. Everything else (database passwords,
 * tokens) stays in the backend.
 */
const INHERITED_ENV = [
  'PATH',
  'TMPDIR',
  'LANG',
  'LC_ALL',
  'TZ',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

export type RunBinaryOptions = {
  /** The step running it, for messages. */
  step: string;
  /** Absolute path (from findBinary/requireBinary). */
  path: string;
  args: string[];
  cwd: string;
  /** Added to the few inherited variables (set HOME to a scratch dir). */
  env?: Record<string, string>;
  /** Written to the child's standard input (e.g. a password). */
  stdin?: string;
  signal: AbortSignal;
  /** Kills the process group after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Standard output beyond this fails the run (default 64 MiB). */
  maxStdoutBytes?: number;
};

const STDERR_TAIL_BYTES = 16 * 1024;

/**
 * Runs a binary in its own process group and collects its output. Abort,
 * timeout and oversized output kill the whole group (a tool's own children
 * included). A non-zero exit throws BinaryFailedError with the tail of
 * standard error; a binary that vanished since findBinary throws the
 * missing-binary TerminalStepError.
 */
export async function runBinary(
  options: RunBinaryOptions,
): Promise<{ stdout: string; stderr: string }> {
  const {
    step,
    path,
    args,
    signal,
    timeoutMs = 10 * 60_000,
    maxStdoutBytes = 64 * 1024 * 1024,
  } = options;
  const name = path.split('/').pop() ?? path;
  signal.throwIfAborted();
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, options.env);

  let result;
  try {
    result = await runProcessGroup({
      command: path,
      args,
      cwd: options.cwd,
      env,
      stdin: options.stdin ?? '',
      timeoutMs,
      signal,
      maxStdoutBytes,
      stderrTailBytes: STDERR_TAIL_BYTES,
      killGraceMs: 0,
    });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? missingBinaryError(step, name)
      : error;
  }
  const errText = result.stderr.toString('utf8').trim();
  switch (result.stoppedBy) {
    case 'abort':
      throw signal.reason instanceof Error
        ? signal.reason
        : new Error(`${step}: aborted while running ${name}`);
    case 'timeout':
      throw new Error(
        `${step}: ${name} did not finish within ${
          timeoutMs < 1000
            ? `${timeoutMs}ms`
            : `${Math.round(timeoutMs / 1000)}s`
        }`,
      );
    case 'overflow':
      throw new Error(
        `${step}: ${name} wrote more than ${maxStdoutBytes} bytes of output`,
      );
    default:
  }
  if (result.code !== 0) {
    const status = result.killedBy
      ? `signal ${result.killedBy}`
      : `exit ${result.code}`;
    throw new BinaryFailedError(
      name,
      result.code,
      errText,
      `${name} ${args[0] ?? ''} failed (${status})${
        errText ? `: ${errText}` : ''
      }`,
      result.stdout.subarray(-STDERR_TAIL_BYTES).toString('utf8').trim(),
    );
  }
  return { stdout: result.stdout.toString('utf8'), stderr: errText };
}
