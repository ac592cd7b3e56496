import type { JsonObject } from '@backstage/types';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { tomlUpdateStep } from './tomlUpdate';

describe('toml-update', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject) =>
    tomlUpdateStep.run(createStepContext(workDir, config));
  const write = (text: string) => writeFile(join(workDir, 'config.toml'), text);
  const read = () => readFile(join(workDir, 'config.toml'), 'utf8');

  const config = `# Application settings
title = "demo"   # shown in the UI
threshold = 0x10
ratio = 1.5
ports = [8080, 9090] # listeners

[package]
version = '1.0.0'

[labels]
"example.com/version" = "1.0.0"

[[servers]]
host = "a.example.com"

[[servers]]
host = "b.example.com"
`;

  it('replaces existing scalars, keeping comments, spacing and quoting style', async () => {
    await write(config);
    const result = await run({
      path: 'config.toml',
      updates: [
        { key: 'title', value: 'new' },
        { key: 'package.version', value: '1.0.1' },
        { key: 'labels.example\\.com/version', value: '2.0.0' },
        { key: 'servers.1.host', value: 'c.example.com' },
        { key: 'ports.1', value: 9443 },
      ],
    });
    expect(await read()).toBe(
      config
        .replace('title = "demo"', 'title = "new"')
        .replace("version = '1.0.0'", "version = '1.0.1'")
        .replace(
          '"example.com/version" = "1.0.0"',
          '"example.com/version" = "2.0.0"',
        )
        .replace('host = "b.example.com"', 'host = "c.example.com"')
        .replace('[8080, 9090]', '[8080, 9443]'),
    );
    expect(result.output).toEqual({
      commitMessage:
        "Updated config.toml\n\n- title: 'new'\n- package.version: '1.0.1'\n- labels.example\\.com/version: '2.0.0'\n- servers.1.host: 'c.example.com'\n- ports.1: 9443",
    });
  });

  it('keeps integers integers (in their radix) and floats floats', async () => {
    await write(config);
    const result = await run({
      path: 'config.toml',
      updates: [
        { key: 'threshold', value: 100 },
        { key: 'ratio', value: 2 },
      ],
    });
    const text = await read();
    expect(text).toContain('threshold = 0x64\n');
    expect(text).toContain('ratio = 2.0\n');
    expect(parse(text)).toMatchObject({ threshold: 100, ratio: 2 });
    expect(result.output!.commitMessage).toBe(
      'Updated config.toml\n\n- threshold: 100\n- ratio: 2.0',
    );
  });

  it.each([
    [{ key: 'missing', value: 'x' }, /key missing: missing not found/],
    [{ key: 'package.name', value: 'x' }, /package\.name not found/],
    [{ key: 'package', value: 'x' }, /addresses a table, not a scalar/],
    [{ key: 'ports', value: 1 }, /addresses an array, not a scalar/],
    [{ key: 'ports.5', value: 1 }, /ports\.5 not found/],
    [{ key: 'title', value: ['x'] }, /must be a string, number or boolean/],
  ])(
    'refuses %j (Kargo updates existing scalars only) and leaves the file alone',
    async (update, error) => {
      await write(config);
      await expect(
        run({ path: 'config.toml', updates: [update] }),
      ).rejects.toThrow(error);
      expect(await read()).toBe(config);
    },
  );

  it('refuses a file that is not TOML', async () => {
    await write('a = = 1\n');
    await expect(
      run({ path: 'config.toml', updates: [{ key: 'a', value: 1 }] }),
    ).rejects.toThrow(/not valid TOML/);
  });
});
