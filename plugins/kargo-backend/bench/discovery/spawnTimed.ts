/**
 * Runs one process to completion and answers its wall-clock time and output:
 * the baselines of the figures (curl, git ls-remote, promote.sh). It starts
 * them the way the backend starts its own commands (runProcessGroup, through
 * the spawn helper), so neither side pays for forking the benchmark's large
 * process and the baselines time only their own work.
 */
import { runProcessGroup } from '../../src/process/runProcessGroup';
import { now } from '../measure';

export type Spawned = { ms: number; code: number | null; stdout: string };

/** Killed (and an error) after `timeoutMs`, default 30 s. */
export async function spawnTimed(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Spawned> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env)) {
    if (value !== undefined) env[key] = value;
  }
  const start = now();
  const result = await runProcessGroup({
    command,
    args,
    cwd: process.cwd(),
    env,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxStdoutBytes: 64 * 1024 * 1024,
    stderrTailBytes: 2000,
    killGraceMs: 0,
  });
  const ms = now() - start;
  if (result.timedOut) {
    throw new Error(`${command} ${args.join(' ')} timed out`);
  }
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}: ${result.stderr}`,
    );
  }
  return { ms, code: result.code, stdout: result.stdout.toString('utf8') };
}

/** Whether `command` is on PATH. */
export async function hasCommand(command: string): Promise<boolean> {
  try {
    await spawnTimed('sh', ['-c', `command -v ${command}`], {
      timeoutMs: 5000,
    });
    return true;
  } catch {
    return false;
  }
}
