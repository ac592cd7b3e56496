import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import {
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { LocalServer, startLocalServer } from './__testUtils__/localServer';
import { createHttpSteps, EgressPolicy } from './index';

const LIMIT = 64 * 1024;
const [, downloadStep] = createHttpSteps({
  egress: new EgressPolicy(),
  limits: { maxDownloadBytes: LIMIT },
});

describe('http-download step', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let server: LocalServer;
  const chart = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 251));

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    server = await startLocalServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/chart.tgz') {
        if (req.headers.authorization !== 'Bearer artifacts-token') {
          res.writeHead(401).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/gzip' });
        res.end(chart);
      } else if (url.pathname === '/release') {
        res.writeHead(200).end(`version=${url.searchParams.get('version')}`);
      } else if (url.pathname === '/huge') {
        // No Content-Length: the limit is only found out while streaming.
        res.writeHead(200);
        for (let i = 0; i < 100; i++) res.write(Buffer.alloc(1024, 1));
        res.end();
      } else if (url.pathname === '/huge-announced') {
        res.writeHead(200, { 'Content-Length': String(LIMIT * 2) });
        res.end(Buffer.alloc(LIMIT * 2));
      } else if (url.pathname === '/cut') {
        // Half a body, then the connection drops.
        res.writeHead(200, { 'Content-Length': '20000' });
        res.write(Buffer.alloc(10_000, 2), () => res.destroy());
      } else if (url.pathname === '/stall') {
        res.writeHead(200);
        res.write('some bytes, then nothing');
      } else {
        res.writeHead(404).end();
      }
    });
  });

  afterEach(async () => {
    await server.close();
    await cleanup();
  });

  const run = (config: Record<string, unknown>, overrides = {}) =>
    downloadStep.run(createStepContext(workDir, config as any, overrides));

  /** Everything in a directory, hidden temp files included. */
  const listing = (dir = workDir) => readdir(dir, { recursive: true });

  it('downloads to outPath, creating parent directories, with headers', async () => {
    const result = await run({
      url: `${server.url}/chart.tgz`,
      outPath: 'charts/my-chart.tgz',
      headers: [{ name: 'Authorization', value: 'Bearer artifacts-token' }],
    });
    expect(result).toEqual({ status: 'Succeeded' });
    expect(await readFile(join(workDir, 'charts/my-chart.tgz'))).toEqual(chart);
    expect(
      (await stat(join(workDir, 'charts/my-chart.tgz'))).mode & 0o777,
    ).toBe(0o600);
    expect(await listing()).toEqual(['charts', 'charts/my-chart.tgz']);
  });

  it('adds query parameters', async () => {
    await run({
      url: `${server.url}/release`,
      outPath: 'source.txt',
      queryParams: [{ name: 'version', value: '1.2.3 beta' }],
    });
    expect(await readFile(join(workDir, 'source.txt'), 'utf8')).toBe(
      'version=1.2.3 beta',
    );
  });

  it('refuses to replace an existing file unless allowOverwrite is set', async () => {
    await writeFile(join(workDir, 'source.txt'), 'old');
    const config = {
      url: `${server.url}/release`,
      outPath: 'source.txt',
      queryParams: [{ name: 'version', value: '2' }],
    };
    await expect(run(config)).rejects.toThrow(
      new TerminalStepError(
        'file already exists at source.txt and overwrite is not allowed',
      ),
    );
    expect(server.requests).toHaveLength(0);
    expect(await readFile(join(workDir, 'source.txt'), 'utf8')).toBe('old');

    await run({ ...config, allowOverwrite: true });
    expect(await readFile(join(workDir, 'source.txt'), 'utf8')).toBe(
      'version=2',
    );
  });

  it('counts a file left by an interrupted attempt as done when resumed', async () => {
    await writeFile(join(workDir, 'source.txt'), 'version=3');
    await writeFile(
      join(workDir, '.source.txt.0123456789ab.kargo-download'),
      'partial',
    );
    const result = await run(
      { url: `${server.url}/release`, outPath: 'source.txt' },
      { resumed: true },
    );
    expect(result.status).toBe('Succeeded');
    expect(server.requests).toHaveLength(0);
  });

  it('removes temp files of an interrupted attempt when it downloads again', async () => {
    await writeFile(
      join(workDir, '.source.txt.0123456789ab.kargo-download'),
      'partial',
    );
    await run(
      { url: `${server.url}/release?version=4`, outPath: 'source.txt' },
      { resumed: true },
    );
    expect(await listing()).toEqual(['source.txt']);
  });

  it('refuses an outPath that is a directory or leads outside the work directory', async () => {
    await mkdir(join(workDir, 'charts'));
    await expect(
      run({ url: `${server.url}/release`, outPath: 'charts' }),
    ).rejects.toThrow(/is a directory/);
    await expect(
      run({ url: `${server.url}/release`, outPath: '../escaped.txt' }),
    ).rejects.toBeInstanceOf(TerminalStepError);
    await symlink('/tmp', join(workDir, 'link'));
    await expect(
      run({
        url: `${server.url}/release`,
        outPath: 'link/escaped.txt',
        allowOverwrite: true,
      }),
    ).rejects.toBeInstanceOf(TerminalStepError);
    expect(server.requests).toHaveLength(0);
  });

  it('fails on non-2xx responses (retryable) and leaves no file', async () => {
    const error = await run({
      url: `${server.url}/chart.tgz`,
      outPath: 'c.tgz',
    }).catch(e => e);
    expect(error.message).toMatch(/failed with status 401/);
    expect(error).not.toBeInstanceOf(TerminalStepError);
    expect(await listing()).toEqual([]);
  });

  it('enforces the size limit, announced or not, and leaves no partial file', async () => {
    await expect(
      run({ url: `${server.url}/huge-announced`, outPath: 'a.bin' }),
    ).rejects.toBeInstanceOf(TerminalStepError);
    await expect(
      run({ url: `${server.url}/huge`, outPath: 'b.bin' }),
    ).rejects.toThrow(`download exceeds the limit of ${LIMIT} bytes`);
    expect(await listing()).toEqual([]);
  });

  it('leaves no partial file when the connection drops or the timeout strikes', async () => {
    await expect(
      run({ url: `${server.url}/cut`, outPath: 'cut.bin' }),
    ).rejects.toThrow();
    await expect(
      run({
        url: `${server.url}/stall`,
        outPath: 'stall.bin',
        timeout: '300ms',
      }),
    ).rejects.toThrow(/timed out after 300ms/);
    expect(await listing()).toEqual([]);
  });
});
