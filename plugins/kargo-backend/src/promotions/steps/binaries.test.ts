import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BinaryFailedError,
  findBinary,
  requireBinary,
  runBinary,
} from './binaries';
import { withPath } from './helm/__testUtils__/tools';
import { createTestWorkDir } from './__testUtils__/stepContext';

jest.setTimeout(20_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('binaries', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let sh: string;

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    sh = (await findBinary('sh'))!;
  });
  afterEach(() => cleanup());

  const run = (
    script: string,
    extra: Partial<Parameters<typeof runBinary>[0]> = {},
  ) =>
    runBinary({
      step: 'test-step',
      path: sh,
      args: ['-c', script],
      cwd: workDir,
      signal: new AbortController().signal,
      ...extra,
    });

  it('returns standard output and error of a successful run, in cwd, with stdin', async () => {
    const result = await run('pwd; cat; echo warn >&2', {
      stdin: 'from stdin',
    });
    expect(result.stdout).toBe(`${workDir}\nfrom stdin`);
    expect(result.stderr).toBe('warn');
  });

  it('throws BinaryFailedError with the exit status and standard error', async () => {
    const error = await run('echo "bad chart" >&2; exit 3').catch(e => e);
    expect(error).toBeInstanceOf(BinaryFailedError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('sh -c failed (exit 3): bad chart');
  });

  it('passes only the network and locale variables of the backend, plus its own', async () => {
    process.env.KARGO_TEST_SECRET = 'database-password';
    try {
      const { stdout } = await run('echo "${KARGO_TEST_SECRET:-unset} $HOME"', {
        env: { HOME: '/scratch-home' },
      });
      expect(stdout.trim()).toBe('unset /scratch-home');
    } finally {
      delete process.env.KARGO_TEST_SECRET;
    }
  });

  it('kills the whole process group when the step is aborted', async () => {
    const controller = new AbortController();
    const pidFile = join(workDir, 'grandchild.pid');
    const running = run(`sleep 60 & echo $! > ${pidFile}; wait`, {
      signal: controller.signal,
    });
    await waitFor(async () =>
      readFile(pidFile, 'utf8').then(
        t => t.trim() !== '',
        () => false,
      ),
    );
    const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
    expect(alive(grandchild)).toBe(true);
    controller.abort(new Error('promotion aborted'));
    await expect(running).rejects.toThrow('promotion aborted');
    await waitFor(async () => !alive(grandchild));
  });

  it('kills a run that outlives its timeout', async () => {
    const started = Date.now();
    await expect(run('sleep 30', { timeoutMs: 300 })).rejects.toThrow(
      'test-step: sh did not finish within 300ms',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops a run whose output exceeds the bound', async () => {
    await expect(
      run('yes kargo', { maxStdoutBytes: 64 * 1024 }),
    ).rejects.toThrow(`wrote more than ${64 * 1024} bytes of output`);
  });

  it('names the step and the binary when it is not on PATH', async () => {
    await withPath('', async () => {
      expect(await findBinary('sh')).toBeUndefined();
      const error = await requireBinary('helm-template', 'helm').catch(e => e);
      expect(error).toBeInstanceOf(TerminalStepError);
      expect(error.message).toBe(
        "helm-template needs the `helm` binary on the backend's PATH",
      );
    });
  });
});
