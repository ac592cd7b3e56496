/**
 * Runs one process to completion and answers its wall-clock time and output:
 * the baselines of the discovery figures (curl, git ls-remote).
 */
import { spawn } from 'node:child_process';
import { now } from '../measure';

export type Spawned = { ms: number; code: number | null; stdout: string };

/** Killed (and an error) after `timeoutMs`, default 30 s. */
export function spawnTimed(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', d => {
      err = (err + d).slice(-2000);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', e => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', code => {
      clearTimeout(timer);
      const ms = now() - start;
      if (code !== 0) {
        reject(
          new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`),
        );
        return;
      }
      resolve({ ms, code, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
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
