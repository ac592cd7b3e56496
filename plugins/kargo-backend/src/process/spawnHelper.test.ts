import { readFile } from 'node:fs/promises';
import { LaunchHandlers, SpawnHelper } from './spawnHelper';

type Outcome = {
  stdout: Buffer;
  stderr: string;
  code?: number | null;
  signal?: string | null;
  error?: NodeJS.ErrnoException;
};

function run(
  helper: SpawnHelper,
  command: string,
  args: string[],
  stdin?: string,
) {
  const out: Buffer[] = [];
  let stderr = '';
  let handlers!: LaunchHandlers;
  const done = new Promise<Outcome>(resolve => {
    handlers = {
      stdout: chunk => out.push(chunk),
      stderr: chunk => {
        stderr += chunk.toString();
      },
      error: error => resolve({ stdout: Buffer.concat(out), stderr, error }),
      close: (code, signal) =>
        resolve({ stdout: Buffer.concat(out), stderr, code, signal }),
    };
  });
  const launched = helper.launch(
    { command, args, cwd: '/', env: { PATH: process.env.PATH ?? '' }, stdin },
    handlers,
  );
  return { done, launched };
}

describe('SpawnHelper', () => {
  it('runs commands with their stdin, output, exit code and environment', async () => {
    const helper = new SpawnHelper();
    const echoed = await run(
      helper,
      'sh',
      ['-c', 'cat; echo err >&2; exit 3'],
      'hello',
    ).done;
    expect(echoed).toMatchObject({ code: 3, stderr: 'err\n' });
    expect(echoed.stdout.toString()).toBe('hello');

    // Megabytes of output arrive whole and in order, chunk after chunk.
    const big = await run(helper, 'sh', ['-c', 'seq 1 400000']).done;
    const lines = big.stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(400000);
    expect(lines[399999]).toBe('400000');
  });

  it('reports a command that cannot start with its error code', async () => {
    const helper = new SpawnHelper();
    const missing = await run(helper, 'no-such-binary-here', []).done;
    expect(missing.error?.code).toBe('ENOENT');
  });

  it("signals the whole process group, the command's own children too", async () => {
    const helper = new SpawnHelper();
    const { done, launched } = run(helper, 'sh', [
      '-c',
      'sleep 30 & echo $!; wait',
    ]);
    await new Promise(r => setTimeout(r, 300));
    launched.killGroup('SIGTERM');
    const outcome = await done;
    expect(outcome.signal).toBe('SIGTERM');
    const child = Number(outcome.stdout.toString().trim());
    expect(child).toBeGreaterThan(0);
    await new Promise(r => setTimeout(r, 100));
    // Gone, or dead and waiting for init to reap it.
    const state = await readFile(`/proc/${child}/stat`, 'utf8').then(
      stat => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
      () => 'gone',
    );
    expect(['gone', 'Z']).toContain(state);
  });

  it('fails the commands in flight when the helper dies, and starts a new helper for the next', async () => {
    const helper = new SpawnHelper();
    const { done } = run(helper, 'sleep', ['30']);
    const first = helper.pid!;
    process.kill(first, 'SIGKILL');
    expect((await done).error?.message).toMatch(
      /process helper exited \(SIGKILL\) before the command finished/,
    );
    const next = await run(helper, 'echo', ['again']).done;
    expect(next.stdout.toString()).toBe('again\n');
    expect(helper.pid).not.toBe(first);
  });

  it('lets an idle helper go, and starts another for the next command', async () => {
    const helper = new SpawnHelper(100);
    await run(helper, 'true', []).done;
    const first = helper.pid!;
    await new Promise(r => setTimeout(r, 400));
    expect(helper.pid).toBeUndefined();
    expect(() => process.kill(first, 0)).toThrow();
    const next = await run(helper, 'echo', ['back']).done;
    expect(next.stdout.toString()).toBe('back\n');
  });
});
