import type { JsonObject } from '@backstage/types';
import type { PromotionStepRunner } from '@kargo-backstage/plugin-kargo-node';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { jsonParseStep, tomlParseStep, yamlParseStep } from './parseSteps';

const steps: Record<string, PromotionStepRunner> = {
  'yaml-parse': yamlParseStep,
  'json-parse': jsonParseStep,
  'toml-parse': tomlParseStep,
};

describe('yaml-parse, json-parse, toml-parse', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
  });
  afterEach(() => cleanup());

  const run = (
    step: PromotionStepRunner,
    config: JsonObject,
    variables?: Record<string, unknown>,
  ) => step.run(createStepContext(workDir, config, { variables }));

  const outputs = [
    { name: 'imageTag', fromExpression: 'image.tag' },
    { name: 'firstPort', fromExpression: 'ports[0]' },
    { name: 'isProd', fromExpression: 'env == "prod"' },
    { name: 'image', fromExpression: 'image' },
    { name: 'missing', fromExpression: 'nothing' },
  ];
  const expected = {
    imageTag: 'v1.2.3',
    firstPort: 8080,
    isProd: true,
    image: { repository: 'ghcr.io/example/app', tag: 'v1.2.3' },
    missing: null,
  };

  it.each<[string, string, string]>([
    [
      'yaml-parse',
      'values.yaml',
      '# comment\nimage:\n  repository: ghcr.io/example/app\n  tag: v1.2.3\nports: [8080, 9090]\nenv: prod\n',
    ],
    [
      'json-parse',
      'config.json',
      '{"image": {"repository": "ghcr.io/example/app", "tag": "v1.2.3"}, "ports": [8080, 9090], "env": "prod"}',
    ],
    [
      'toml-parse',
      'config.toml',
      'env = "prod"\nports = [8080, 9090]\n[image]\nrepository = "ghcr.io/example/app"\ntag = "v1.2.3"\n',
    ],
  ])(
    "%s reads outputs with expressions over the file's top-level keys",
    async (name, file, text) => {
      await writeFile(join(workDir, file), text);
      const result = await run(steps[name], { path: file, outputs });
      expect(result).toEqual({ status: 'Succeeded', output: expected });
    },
  );

  it("lets expressions use step variables, with the file's keys taking precedence", async () => {
    await writeFile(join(workDir, 'v.yaml'), 'tag: from-file\n');
    const result = await run(
      yamlParseStep,
      {
        path: 'v.yaml',
        outputs: [
          { name: 'tag', fromExpression: 'tag' },
          { name: 'combined', fromExpression: 'vars.prefix + "-" + tag' },
        ],
      },
      { vars: { prefix: 'stage' }, tag: 'from-vars' },
    );
    expect(result.output).toEqual({
      tag: 'from-file',
      combined: 'stage-from-file',
    });
  });

  it('applies YAML merge keys and reads the first document only', async () => {
    await writeFile(
      join(workDir, 'v.yaml'),
      'base: &b {tag: v1, repo: r}\nimage:\n  <<: *b\n  tag: v2\n---\nimage: {tag: other}\n',
    );
    const result = await run(yamlParseStep, {
      path: 'v.yaml',
      outputs: [{ name: 'image', fromExpression: 'image' }],
    });
    expect(result.output).toEqual({ image: { tag: 'v2', repo: 'r' } });
  });

  it('returns TOML dates as written', async () => {
    await writeFile(join(workDir, 'c.toml'), 'released = 2024-01-15\n');
    const result = await run(tomlParseStep, {
      path: 'c.toml',
      outputs: [{ name: 'released', fromExpression: 'released' }],
    });
    expect(result.output).toEqual({ released: '2024-01-15' });
  });

  it.each<[string, string, string, RegExp]>([
    ['yaml-parse', 'empty.yaml', '', /empty YAML file/],
    ['yaml-parse', 'bad.yaml', 'a: [1', /not valid YAML/],
    ['yaml-parse', 'list.yaml', '- a\n- b\n', /must be a map at its top level/],
    ['json-parse', 'bad.json', '{"a": }', /not valid JSON/],
    ['toml-parse', 'bad.toml', 'a = = 1', /not valid TOML/],
    [
      'json-parse',
      'ok.json',
      '{"a": 1}',
      /outputs\[0\] \(x\): error evaluating "a \+"/,
    ],
  ])('%s fails terminally on %s', async (name, file, text, error) => {
    await writeFile(join(workDir, file), text);
    await expect(
      run(steps[name], {
        path: file,
        outputs: [{ name: 'x', fromExpression: 'a +' }],
      }),
    ).rejects.toMatchObject({
      name: 'TerminalStepError',
      message: expect.stringMatching(error),
    });
  });

  it('refuses paths outside the work directory and missing files', async () => {
    await expect(
      run(jsonParseStep, { path: '../x.json', outputs }),
    ).rejects.toThrow(/leads outside/);
    await expect(
      run(jsonParseStep, { path: 'nope.json', outputs }),
    ).rejects.toThrow(/does not exist/);
  });
});
