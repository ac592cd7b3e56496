import type { JsonObject } from '@backstage/types';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { yamlMergeStep } from './yamlMerge';

describe('yaml-merge', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject) =>
    yamlMergeStep.run(createStepContext(workDir, config));
  const write = async (name: string, text: string) => {
    await mkdir(dirname(join(workDir, name)), { recursive: true });
    await writeFile(join(workDir, name), text);
  };
  const read = (name: string) => readFile(join(workDir, name), 'utf8');

  it('merges the Kargo docs example into a new file', async () => {
    await write(
      'src/charts/my-chart/values.yaml',
      'service:\n  enabled: false\n',
    );
    await write('src/charts/qa/values.yaml', 'service:\n  enabled: true\n');
    await write(
      'src/charts/qa/cluster-a/values.yaml',
      'service:\n  type: LoadBalancer\n',
    );
    const result = await run({
      inFiles: [
        './src/charts/my-chart/values.yaml',
        './src/charts/qa/values.yaml',
        './src/charts/qa/cluster-a/values.yaml',
      ],
      outFile: './out/charts/my-chart/values.yaml',
    });
    expect(await read('out/charts/my-chart/values.yaml')).toBe(
      'service:\n  enabled: true\n  type: LoadBalancer\n',
    );
    expect(result).toEqual({
      status: 'Succeeded',
      output: {
        commitMessage:
          'Merged 3 YAML files to ./out/charts/my-chart/values.yaml\n- ./src/charts/my-chart/values.yaml\n- ./src/charts/qa/values.yaml\n- ./src/charts/qa/cluster-a/values.yaml',
      },
    });
  });

  it("follows Kargo's merge rules: scalars override, lists replace, null removes", async () => {
    await write('empty.yaml', '');
    await write(
      'base.yaml',
      'character:\n  name: Vader\n  ability: Force\n  affiliation: Empire\n  saberColor: red\nvehicles:\n- Star Destroyer\nremoved: yes\n',
    );
    await write(
      'overlay.yaml',
      'character:\n  name: Luke\n  affiliation: Rebel Alliance\n  saberColor: blue\n  siblings:\n  - Leia\nvehicles:\n- Millennium Falcon\nremoved: null\n',
    );
    await run({
      inFiles: ['empty.yaml', 'base.yaml', 'overlay.yaml'],
      outFile: 'merged.yaml',
    });
    expect(parse(await read('merged.yaml'))).toEqual({
      character: {
        name: 'Luke',
        ability: 'Force',
        affiliation: 'Rebel Alliance',
        saberColor: 'blue',
        siblings: ['Leia'],
      },
      vehicles: ['Millennium Falcon'],
    });
  });

  it('merges lists of named maps item by item, as kyaml does for containers', async () => {
    await write(
      'base.yaml',
      'containers:\n- name: app\n  image: app:1\n  args: [a]\n- name: sidecar1\n  image: s1:1\n',
    );
    await write(
      'patch.yaml',
      'containers:\n- name: app\n  image: app:2\n- name: sidecar2\n  image: s2:1\n',
    );
    await run({ inFiles: ['base.yaml', 'patch.yaml'], outFile: 'out.yaml' });
    expect(parse(await read('out.yaml'))).toEqual({
      containers: [
        { name: 'app', image: 'app:2', args: ['a'] },
        { name: 'sidecar1', image: 's1:1' },
        { name: 'sidecar2', image: 's2:1' },
      ],
    });
  });

  it("keeps the first file's comments and brings in the later files' comments", async () => {
    await write(
      'base.yaml',
      '# Base values\nimage:\n  # the tag\n  tag: v1 # old\n  pullPolicy: Always # keep me\n',
    );
    await write(
      'patch.yaml',
      'image:\n  tag: v2 # from QA\nextra: 1 # added\n',
    );
    await run({ inFiles: ['base.yaml', 'patch.yaml'], outFile: 'out.yaml' });
    const text = await read('out.yaml');
    expect(text).toBe(
      '# Base values\nimage:\n  # the tag\n  tag: v2 # from QA\n  pullPolicy: Always # keep me\nextra: 1 # added\n',
    );
  });

  it('copies aliases from later files instead of leaving them dangling', async () => {
    await write('base.yaml', 'a: 1\n');
    await write('patch.yaml', 'defaults: &d {cpu: 1}\nresources: *d\n');
    await run({ inFiles: ['base.yaml', 'patch.yaml'], outFile: 'out.yaml' });
    const text = await read('out.yaml');
    expect(text).not.toMatch(/[&*]d/);
    expect(parse(text)).toEqual({
      a: 1,
      defaults: { cpu: 1 },
      resources: { cpu: 1 },
    });
  });

  it('skips missing files with ignoreMissingFiles, and writes an empty file when nothing is left', async () => {
    await write('a.yaml', 'a: 1\n');
    const one = await run({
      inFiles: ['missing.yaml', 'a.yaml'],
      outFile: 'out.yaml',
      ignoreMissingFiles: true,
    });
    expect(await read('out.yaml')).toBe('a: 1\n');
    expect(one.output).toEqual({ commitMessage: 'Wrote a.yaml to out.yaml' });

    const none = await run({
      inFiles: ['missing.yaml'],
      outFile: 'none.yaml',
      ignoreMissingFiles: true,
    });
    expect(await read('none.yaml')).toBe('');
    expect(none).toEqual({ status: 'Succeeded' });
  });

  it.each([
    [
      { inFiles: ['missing.yaml'], outFile: 'out.yaml' },
      /inFiles\[0\]: file "missing.yaml" not found/,
    ],
    [{ inFiles: ['a.yaml'], outFile: '../out.yaml' }, /leads outside/],
    [{ inFiles: ['../etc/passwd'], outFile: 'out.yaml' }, /leads outside/],
    [
      { inFiles: ['bad.yaml'], outFile: 'out.yaml' },
      /"bad.yaml" is not valid YAML/,
    ],
  ])('refuses %j', async (config, error) => {
    await write('a.yaml', 'a: 1\n');
    await write('bad.yaml', 'a: [1\n');
    await expect(run(config)).rejects.toThrow(error);
  });
});
