import type { JsonObject } from '@backstage/types';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { jsonUpdateStep } from './jsonUpdate';

describe('json-update', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (config: JsonObject) =>
    jsonUpdateStep.run(createStepContext(workDir, config));
  const write = (text: string) => writeFile(join(workDir, 'config.json'), text);
  const read = () => readFile(join(workDir, 'config.json'), 'utf8');

  const config = `{
    "zeta": 1,
    "image": {
        "tag": "v1.0.0",
        "repository": "ghcr.io/example/app"
    },
    "ratio": 1.50,
    "example.com/version": "v1",
    "containers": [
        { "name": "app", "image": "app:v1" }
    ],
    "tags": []
}
`;

  it('replaces values in place, keeping key order, indentation and number spelling', async () => {
    await write(config);
    const result = await run({
      path: 'config.json',
      updates: [
        { key: 'image.tag', value: 'v1.2.3' },
        { key: 'example\\.com/version', value: 'v2' },
        { key: 'containers.0.image', value: 'app:v2' },
        { key: 'zeta', value: false },
      ],
    });
    expect(await read()).toBe(
      config
        .replace('"v1.0.0"', '"v1.2.3"')
        .replace('"example.com/version": "v1"', '"example.com/version": "v2"')
        .replace('"app:v1"', '"app:v2"')
        .replace('"zeta": 1', '"zeta": false'),
    );
    expect(result.output).toEqual({
      commitMessage:
        'Updated config.json\n\n- image.tag: "v1.2.3"\n- example\\.com/version: "v2"\n- containers.0.image: "app:v2"\n- zeta: false',
    });
  });

  it('creates missing keys and list items the way sjson does, indented like their siblings', async () => {
    await write(config);
    await run({
      path: 'config.json',
      updates: [
        { key: 'image.pullPolicy', value: 'Always' },
        { key: 'containers.-1.name', value: 'sidecar' },
        { key: 'tags.1', value: 'b' },
        { key: 'ports.:8080.name', value: 'http' },
      ],
    });
    const text = await read();
    expect(JSON.parse(text)).toEqual({
      zeta: 1,
      image: {
        tag: 'v1.0.0',
        repository: 'ghcr.io/example/app',
        pullPolicy: 'Always',
      },
      ratio: 1.5,
      'example.com/version': 'v1',
      containers: [{ name: 'app', image: 'app:v1' }, { name: 'sidecar' }],
      tags: [null, 'b'],
      ports: { '8080': { name: 'http' } },
    });
    expect(text).toContain(
      '        "repository": "ghcr.io/example/app",\n        "pullPolicy": "Always"\n    },',
    );
    expect(text).toContain('"ratio": 1.50,');
    expect(text).toContain(
      '    "ports": {\n        "8080": {\n            "name": "http"\n        }\n    }\n}\n',
    );
  });

  it('edits minified JSON without adding whitespace', async () => {
    await write('{"a":{"b":1},"l":[1]}');
    await run({
      path: 'config.json',
      updates: [
        { key: 'a.c', value: 2 },
        { key: 'l.-1', value: 2 },
        { key: 'n.m', value: 'x' },
      ],
    });
    expect(await read()).toBe('{"a":{"b":1,"c":2},"l":[1,2],"n":{"m":"x"}}');
  });

  it('replaces a scalar that is in the way of a longer key, as sjson does', async () => {
    await write('{\n  "a": "x"\n}\n');
    await run({ path: 'config.json', updates: [{ key: 'a.b', value: 1 }] });
    expect(JSON.parse(await read())).toEqual({ a: { b: 1 } });
  });

  it.each([
    [
      { key: 'image', value: { tag: 'v2' } },
      /must be a string, number or boolean/,
    ],
    [{ key: 'image.tag', value: null }, /must be a string, number or boolean/],
    [
      { key: 'containers.first', value: 'x' },
      /containers is a list, so "first" must be an index/,
    ],
    [{ key: 'image..tag', value: 'x' }, /empty key part/],
  ])('refuses %j and leaves the file alone', async (update, error) => {
    await write(config);
    await expect(
      run({ path: 'config.json', updates: [update] }),
    ).rejects.toThrow(error);
    expect(await read()).toBe(config);
  });

  it('refuses a file that is not JSON', async () => {
    await write('{"a": 1,}');
    await expect(
      run({ path: 'config.json', updates: [{ key: 'a', value: 2 }] }),
    ).rejects.toThrow(/not valid JSON/);
  });
});
