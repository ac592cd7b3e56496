import type { JsonObject } from '@backstage/types';
import {
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { yamlUpdateStep } from './yamlUpdate';

describe('yaml-update', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject) =>
    yamlUpdateStep.run(createStepContext(workDir, config));
  const write = (name: string, text: string) =>
    writeFile(join(workDir, name), text);
  const read = (name: string) => readFile(join(workDir, name), 'utf8');

  const values = `# Default values for guestbook.
image:
  repository: ghcr.io/example/guestbook   # where images live
  tag: "v1.0.0" # bumped by Kargo
  pullPolicy: IfNotPresent

replicas: 1
labels:
  example.com/version: v1.0.0
containers:
- name: app
  image: app:v1.0   # pinned
flow: {a: 1, b: x}
`;

  it('replaces existing scalars and leaves every other byte alone', async () => {
    await write('values.yaml', values);
    const result = await run({
      path: 'values.yaml',
      updates: [
        { key: 'image.tag', value: 'v1.2.3' },
        { key: 'replicas', value: 3 },
        { key: 'labels.example\\.com/version', value: 'v1.2.3' },
        { key: 'containers.0.image', value: 'app:v1.2' },
        { key: 'flow.b', value: 'y, z' },
      ],
    });
    expect(result.status).toBe('Succeeded');
    expect(await read('values.yaml')).toBe(
      values
        .replace('tag: "v1.0.0"', 'tag: "v1.2.3"')
        .replace('replicas: 1', 'replicas: 3')
        .replace('version: v1.0.0', 'version: v1.2.3')
        .replace('image: app:v1.0 ', 'image: app:v1.2 ')
        .replace('b: x}', 'b: "y, z"}'),
    );
  });

  it('quotes strings that would otherwise read as numbers, bools or null (YAML 1.1 too)', async () => {
    await write('values.yaml', 'a: x\nb: x\nc: x\nd: x\ne: x\n');
    await run({
      path: 'values.yaml',
      updates: [
        { key: 'a', value: '42' },
        { key: 'b', value: 'true' },
        { key: 'c', value: 'on' },
        { key: 'd', value: 'null' },
        { key: 'e', value: 'key: value' },
      ],
    });
    expect(parse(await read('values.yaml'))).toEqual({
      a: '42',
      b: 'true',
      c: 'on',
      d: 'null',
      e: 'key: value',
    });
    expect(await read('values.yaml')).toBe(
      'a: "42"\nb: "true"\nc: "on"\nd: "null"\ne: "key: value"\n',
    );
  });

  it('writes the commit message Kargo writes', async () => {
    await write(
      'values.yaml',
      'image:\n  tag: old\n  numStr: "5"\n  realNum: 5\n',
    );
    const result = await run({
      path: 'values.yaml',
      updates: [
        { key: 'image.tag', value: 'fake-tag' },
        { key: 'image.numStr', value: '42' },
        { key: 'image.realNum', value: 42 },
      ],
    });
    expect(result.output).toEqual({
      commitMessage:
        'Updated values.yaml\n\n- image.tag: fake-tag\n- image.numStr: "42"\n- image.realNum: 42',
    });
  });

  it('creates missing keys (maps on the way) and appends to lists, keeping comments', async () => {
    await write('values.yaml', values);
    await run({
      path: 'values.yaml',
      updates: [
        { key: 'image.tag', value: 'v2' },
        { key: 'ingress.annotations.example\\.com/owner', value: 'team-a' },
        { key: 'containers.-1', value: { name: 'sidecar', image: 'proxy:1' } },
        { key: 'containers.0.env.0.name', value: 'MODE' },
      ],
    });
    const text = await read('values.yaml');
    expect(parse(text)).toMatchObject({
      image: { tag: 'v2', repository: 'ghcr.io/example/guestbook' },
      ingress: { annotations: { 'example.com/owner': 'team-a' } },
      containers: [
        { name: 'app', image: 'app:v1.0', env: { '0': { name: 'MODE' } } },
        { name: 'sidecar', image: 'proxy:1' },
      ],
    });
    for (const comment of [
      '# Default values for guestbook.',
      '# where images live',
      '# bumped by Kargo',
      '# pinned',
    ]) {
      expect(text).toContain(comment);
    }
    // The file's list style (items not indented under their key) is kept.
    expect(text).toContain('containers:\n- name: app');
  });

  it('creates a map in an empty file, and refuses to turn a scalar into a map', async () => {
    await write('empty.yaml', '');
    await run({ path: 'empty.yaml', updates: [{ key: 'a.b', value: 1 }] });
    expect(parse(await read('empty.yaml'))).toEqual({ a: { b: 1 } });

    await write('values.yaml', values);
    await expect(
      run({
        path: 'values.yaml',
        updates: [{ key: 'image.tag.major', value: 1 }],
      }),
    ).rejects.toThrow(/image\.tag holds a scalar value/);
    expect(await read('values.yaml')).toBe(values);
  });

  it('updates only the first document of a multi-document file', async () => {
    await write('multi.yaml', 'a: 1 # one\n---\na: 1 # two\n');
    await run({ path: 'multi.yaml', updates: [{ key: 'a', value: 2 }] });
    expect(await read('multi.yaml')).toBe('a: 2 # one\n---\na: 1 # two\n');
    await run({ path: 'multi.yaml', updates: [{ key: 'b', value: 3 }] });
    const docs = parseAllDocuments(await read('multi.yaml')) as any[];
    expect(docs.map(d => d.toJS())).toEqual([{ a: 2, b: 3 }, { a: 1 }]);
  });

  it('updates the anchored value an alias points at', async () => {
    await write('values.yaml', 'base: &tag v1\nimage:\n  tag: *tag\n');
    await run({
      path: 'values.yaml',
      updates: [{ key: 'image.tag', value: 'v2' }],
    });
    expect(await read('values.yaml')).toBe(
      'base: &tag v2\nimage:\n  tag: *tag\n',
    );
  });

  it('keeps multi-line strings in block style, single-line ones plain', async () => {
    await write('values.yaml', 'script: |\n  echo one\nnote: >\n  folded\n');
    await run({
      path: 'values.yaml',
      updates: [
        { key: 'script', value: 'echo two\necho three\n' },
        { key: 'note', value: 'short' },
      ],
    });
    expect(await read('values.yaml')).toBe(
      'script: |\n  echo two\n  echo three\nnote: short\n',
    );
  });

  it('keeps the file mode and writes through a symlink that stays inside', async () => {
    await mkdir(join(workDir, 'real'));
    await writeFile(join(workDir, 'real', 'values.yaml'), 'a: 1\n', {
      mode: 0o640,
    });
    await symlink('real/values.yaml', join(workDir, 'link.yaml'));
    await run({ path: 'link.yaml', updates: [{ key: 'a', value: 2 }] });
    expect(await read('real/values.yaml')).toBe('a: 2\n');
    expect(
      (await stat(join(workDir, 'real', 'values.yaml'))).mode & 0o777,
    ).toBe(0o640);
    // The temporary file the new content went through is gone.
    expect((await readdir(workDir)).sort()).toEqual(['link.yaml', 'real']);
    expect(await readdir(join(workDir, 'real'))).toEqual(['values.yaml']);
  });

  it.each([
    [
      { path: '../values.yaml', updates: [{ key: 'a', value: 1 }] },
      /leads outside/,
    ],
    [
      { path: 'missing.yaml', updates: [{ key: 'a', value: 1 }] },
      /does not exist/,
    ],
    [
      { path: 'values.yaml', updates: [{ key: 'a..b', value: 1 }] },
      /empty key part/,
    ],
    [
      { path: 'values.yaml', updates: [{ key: 'containers.first', value: 1 }] },
      /must be an index/,
    ],
  ])('refuses %j', async (config, error) => {
    await write('values.yaml', values);
    await expect(run(config as JsonObject)).rejects.toThrow(error);
    expect(await read('values.yaml')).toBe(values);
  });

  it('refuses a file that is not YAML', async () => {
    await write('bad.yaml', 'a: [1, 2\n');
    await expect(
      run({ path: 'bad.yaml', updates: [{ key: 'a', value: 1 }] }),
    ).rejects.toThrow(/not valid YAML/);
  });
});
