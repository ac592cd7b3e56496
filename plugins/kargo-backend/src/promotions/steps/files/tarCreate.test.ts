import type { JsonObject } from '@backstage/types';
import {
  mkdir,
  readFile,
  readlink,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { list } from 'tar';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { tarStep } from './tarCreate';
import { untarStep } from './untar';

describe('tar', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    for (const name of [
      'src/app.yaml',
      'src/charts/values.yaml',
      'src/.git/HEAD',
      'src/temp/scratch',
      'src/.DS_Store',
    ]) {
      await mkdir(dirname(join(workDir, name)), { recursive: true });
      await writeFile(join(workDir, name), `content of ${name}`);
    }
    await symlink('app.yaml', join(workDir, 'src', 'app-link.yaml'));
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject) =>
    tarStep.run(createStepContext(workDir, config));
  const entries = async (archive: string) => {
    const names: string[] = [];
    await list({
      file: join(workDir, archive),
      onReadEntry: e => names.push(`${e.type}:${e.path}`),
    });
    return names.sort();
  };

  it("archives a directory's content (not the directory), leaving .git out by default", async () => {
    await run({ inPath: './src', outPath: './artifacts/bundle.tar' });
    expect(await entries('artifacts/bundle.tar')).toEqual([
      'Directory:charts/',
      'Directory:temp/',
      'File:.DS_Store',
      'File:app.yaml',
      'File:charts/values.yaml',
      'File:temp/scratch',
      'SymbolicLink:app-link.yaml',
    ]);
  });

  it('gzips on request, and round-trips through untar with links kept as links', async () => {
    await run({ inPath: 'src', outPath: 'bundle.tar.gz', gzip: true });
    const bytes = await readFile(join(workDir, 'bundle.tar.gz'));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    await untarStep.run(
      createStepContext(workDir, { inPath: 'bundle.tar.gz', outPath: 'copy' }),
    );
    expect(
      await readFile(join(workDir, 'copy/charts/values.yaml'), 'utf8'),
    ).toBe('content of src/charts/values.yaml');
    expect(await readlink(join(workDir, 'copy/app-link.yaml'))).toBe(
      'app.yaml',
    );
  });

  it('applies ignore patterns (and, as in Kargo, then no longer leaves .git out)', async () => {
    await run({
      inPath: 'src',
      outPath: 'bundle.tar',
      ignore: 'temp/\n.DS_Store\n# comment\n',
    });
    expect(await entries('bundle.tar')).toEqual([
      'Directory:.git/',
      'Directory:charts/',
      'File:.git/HEAD',
      'File:app.yaml',
      'File:charts/values.yaml',
      'SymbolicLink:app-link.yaml',
    ]);
  });

  it('archives a single file under its own name, and overwrites an existing archive', async () => {
    await writeFile(join(workDir, 'one.tar'), 'stale');
    await run({ inPath: 'src/charts/values.yaml', outPath: 'one.tar' });
    expect(await entries('one.tar')).toEqual(['File:values.yaml']);
  });

  it('leaves the archive out of itself when written inside inPath', async () => {
    await run({ inPath: 'src', outPath: 'src/self.tar' });
    await run({ inPath: 'src', outPath: 'src/self.tar' });
    expect(
      (await entries('src/self.tar')).some(e => e.includes('self.tar')),
    ).toBe(false);
  });

  it('writes a valid empty archive when everything is ignored', async () => {
    await run({ inPath: 'src', outPath: 'empty.tar', ignore: '*' });
    expect(await entries('empty.tar')).toEqual([]);
  });

  it("refuses files over Kargo's 50 MiB limit", async () => {
    await truncate(join(workDir, 'src/app.yaml'), 50 * 1024 * 1024 + 1);
    await expect(run({ inPath: 'src', outPath: 'big.tar' })).rejects.toThrow(
      /app\.yaml \(52428801 bytes\) exceeds/,
    );
  });

  it.each([
    [{ inPath: 'missing', outPath: 'x.tar' }, /"missing" does not exist/],
    [{ inPath: '../', outPath: 'x.tar' }, /leads outside/],
    [{ inPath: 'src', outPath: '../x.tar' }, /leads outside/],
  ])('refuses %j', async (config, error) => {
    await expect(run(config)).rejects.toThrow(error);
  });
});
