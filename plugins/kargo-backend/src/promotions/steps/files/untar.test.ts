import type { JsonObject } from '@backstage/types';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { rawTar, type RawEntry } from './__testUtils__/rawTar';
import { untarStep } from './untar';

describe('untar', () => {
  let base: string;
  let workDir: string;
  let cleanup: () => Promise<void>;
  let logs: string[];
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    base = await mkdtemp(join(tmpdir(), 'kargo-untar-outside-'));
  });
  afterEach(async () => {
    await cleanup();
    await rm(base, { recursive: true, force: true });
  });

  const run = (config: JsonObject) => {
    const ctx = createStepContext(workDir, config);
    logs = ctx.logs;
    return untarStep.run(ctx);
  };
  const archive = (name: string, entries: RawEntry[], gzip = false) => {
    const bytes = rawTar(entries);
    return writeFile(join(workDir, name), gzip ? gzipSync(bytes) : bytes);
  };
  /** Every path under `dir`, relative to it, without following links. */
  const tree = async (dir: string, prefix = ''): Promise<string[]> => {
    const found: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      found.push(prefix + entry.name);
      if (entry.isDirectory()) {
        found.push(
          ...(await tree(join(dir, entry.name), `${prefix}${entry.name}/`)),
        );
      }
    }
    return found.sort();
  };

  const chart = [
    { name: 'mychart/', type: 'dir' as const },
    { name: 'mychart/Chart.yaml', body: 'name: mychart\n' },
    { name: 'mychart/values.yaml', body: 'a: 1\n' },
    { name: 'mychart/debug.log', body: 'log' },
    { name: 'mychart/templates/', type: 'dir' as const },
    { name: 'mychart/templates/app.yaml', body: 'kind: Deployment\n' },
  ];

  it('extracts a gzipped archive (detected by content) with stripComponents and ignore', async () => {
    await archive('chart.tgz', chart, true);
    await run({
      inPath: 'chart.tgz',
      outPath: 'charts/mychart',
      stripComponents: 1,
      ignore: '*.log\n',
    });
    expect(await tree(join(workDir, 'charts/mychart'))).toEqual([
      'Chart.yaml',
      'templates',
      'templates/app.yaml',
      'values.yaml',
    ]);
    expect(
      await readFile(join(workDir, 'charts/mychart/Chart.yaml'), 'utf8'),
    ).toBe('name: mychart\n');
  });

  it('replaces what outPath held before', async () => {
    await mkdir(join(workDir, 'out'));
    await writeFile(join(workDir, 'out', 'stale.txt'), 'old');
    await archive('a.tar', [{ name: 'fresh.txt', body: 'new' }]);
    await run({ inPath: 'a.tar', outPath: 'out' });
    expect(await tree(join(workDir, 'out'))).toEqual(['fresh.txt']);
  });

  it('extracts names written with a leading ./ (tar -C dir .)', async () => {
    await archive('a.tar', [
      { name: './', type: 'dir' },
      { name: './values.yaml', body: 'x' },
    ]);
    await run({ inPath: 'a.tar', outPath: 'out' });
    expect(await tree(join(workDir, 'out'))).toEqual(['values.yaml']);
  });

  it('refuses entries that would land outside outPath, and links that lead outside', async () => {
    const escapeTo = relative(join(workDir, 'out'), join(base, 'planted.txt'));
    await archive('evil.tar', [
      { name: '../evil.txt', body: 'x' },
      { name: `${escapeTo}`, body: 'x' },
      { name: '/abs.txt', body: 'x' },
      { name: 'a/../../evil2.txt', body: 'x' },
      { name: 'back\\slash.txt', body: 'x' },
      { name: 'up-link', type: 'symlink', linkname: '../../..' },
      { name: 'abs-link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'deep/up', type: 'symlink', linkname: '../../x' },
      { name: 'hard', type: 'hardlink', linkname: '/etc/passwd' },
      { name: 'pipe', type: 'fifo' },
      { name: 'self', type: 'symlink', linkname: '.' },
      { name: 'self/through-link.txt', body: 'x' },
      // Lexically "x", but through self -> . it is ../x: refused too.
      { name: 'sneaky', type: 'symlink', linkname: 'self/../x' },
      { name: 'ok/inner-link', type: 'symlink', linkname: '../ok.txt' },
      { name: 'ok.txt', body: 'fine' },
    ]);
    await run({ inPath: 'evil.tar', outPath: 'out' });
    expect(await tree(join(workDir, 'out'))).toEqual([
      'ok',
      'ok.txt',
      'ok/inner-link',
      'self',
    ]);
    expect(await readlink(join(workDir, 'out/ok/inner-link'))).toBe(
      '../ok.txt',
    );
    expect(await readdir(base)).toEqual([]);
    expect((await readdir(workDir)).sort()).toEqual(['evil.tar', 'out']);
    const skipped = logs.join('\n');
    for (const refused of [
      '../evil.txt',
      '/abs.txt',
      'up-link',
      'abs-link',
      'deep/up',
      'hard: Link',
      'pipe: FIFO',
      'self/through-link.txt',
      'sneaky',
    ]) {
      expect(skipped).toContain(refused);
    }
  });

  it('keeps ordinary permission bits only', async () => {
    await archive('a.tar', [
      { name: 'tool', body: '#!/bin/sh\n', mode: 0o4755 },
    ]);
    await run({ inPath: 'a.tar', outPath: 'out' });
    expect((await stat(join(workDir, 'out/tool'))).mode & 0o7777).toBe(0o755);
  });

  it("refuses archives over Kargo's size limits before extracting anything", async () => {
    await archive('bomb.tar', [
      { name: 'small.txt', body: 'x' },
      { name: 'huge.bin', body: 'x', declaredSize: 50 * 1024 * 1024 + 1 },
    ]);
    await expect(run({ inPath: 'bomb.tar', outPath: 'out' })).rejects.toThrow(
      /huge\.bin \(52428801 bytes\) exceeds/,
    );
    await expect(lstat(join(workDir, 'out'))).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [{ inPath: 'a.tar', outPath: '.' }, /must not be the work directory/],
    [{ inPath: 'a.tar', outPath: '../out' }, /leads outside/],
    [{ inPath: '../a.tar', outPath: 'out' }, /leads outside/],
    [{ inPath: 'missing.tar', outPath: 'out' }, /"missing.tar" does not exist/],
  ])('refuses %j', async (config, error) => {
    await archive('a.tar', [{ name: 'x', body: 'x' }]);
    await expect(run(config)).rejects.toThrow(error);
  });
});
