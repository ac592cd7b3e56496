import type { JsonObject } from '@backstage/types';
import Ajv from 'ajv';
import { createFileSteps } from './index';

const ajv = new Ajv({ allErrors: true, strict: false });
const steps = Object.fromEntries(createFileSteps().map(s => [s.name, s]));
const validate = (name: string, config: unknown) => {
  const check = ajv.compile(steps[name].configSchema!);
  return check(config)
    ? []
    : check.errors!.map(e => `${e.instancePath} ${e.message}`);
};

describe('file step config schemas', () => {
  it('registers the twelve steps under their Kargo names, each with a schema', () => {
    expect(Object.keys(steps)).toEqual([
      'yaml-update',
      'yaml-parse',
      'yaml-merge',
      'json-update',
      'json-parse',
      'toml-update',
      'toml-parse',
      'file-write',
      'copy',
      'delete',
      'tar',
      'untar',
    ]);
    for (const step of Object.values(steps))
      expect(step.configSchema).toBeDefined();
  });

  // Configs from Kargo's step docs, as they look once ${{ }} is evaluated.
  it.each<[string, JsonObject]>([
    [
      'yaml-update',
      {
        path: './src/charts/my-chart/values.yaml',
        updates: [{ key: 'image.tag', value: 'v1.2.3' }],
      },
    ],
    [
      'yaml-update',
      {
        path: 'values.yaml',
        updates: [
          { key: 'replicas', value: 3 },
          { key: 'x', value: null },
        ],
      },
    ],
    [
      'json-update',
      {
        path: './src/config.json',
        updates: [{ key: 'image.tag', value: 'v1' }],
      },
    ],
    [
      'toml-update',
      {
        path: './configs/settings.toml',
        updates: [{ key: 'image.tag', value: 'v1' }],
      },
    ],
    [
      'yaml-parse',
      {
        path: './src/charts/my-chart/values.yaml',
        outputs: [{ name: 'imageTag', fromExpression: 'image.tag' }],
      },
    ],
    [
      'json-parse',
      {
        path: './src/config.json',
        outputs: [{ name: 'imageTag', fromExpression: 'image.tag' }],
      },
    ],
    [
      'toml-parse',
      {
        path: './src/config.toml',
        outputs: [{ name: 'imageTag', fromExpression: 'image.tag' }],
      },
    ],
    [
      'yaml-merge',
      {
        inFiles: ['./src/a.yaml', './src/b.yaml'],
        outFile: './out/values.yaml',
      },
    ],
    [
      'yaml-merge',
      { inFiles: ['a.yaml'], outFile: 'out.yaml', ignoreMissingFiles: true },
    ],
    [
      'file-write',
      { path: './out/app-config.yaml', contents: 'a: 1\n', overwrite: true },
    ],
    ['file-write', { path: 'out/x', contents: '', permissions: '0644' }],
    [
      'copy',
      {
        inPath: './overlay/stages/dev/kustomization.yaml',
        outPath: './src/stages/dev/kustomization.yaml',
      },
    ],
    ['copy', { inPath: './src', outPath: './out', ignore: '*.md\n!README.md' }],
    ['delete', { path: './out/unwanted/file' }],
    [
      'delete',
      { paths: ['./out/unwanted/file', './out/tmp', './out/build.log'] },
    ],
    [
      'delete',
      {
        paths: ['./out/**/*.tmp', './out/build/'],
        pathsAreGlobs: true,
        strict: true,
      },
    ],
    [
      'tar',
      {
        inPath: './source-code',
        outPath: './artifacts/bundle.tar.gz',
        gzip: true,
        ignore: 'temp/\n.DS_Store\n',
      },
    ],
    [
      'untar',
      {
        inPath: './artifacts/bundle.tar.gz',
        outPath: './extracted',
        stripComponents: 1,
      },
    ],
    [
      'untar',
      {
        inPath: './artifacts/bundle.tar.gz',
        outPath: './extracted',
        ignore: '*.log\ntemp/\n',
      },
    ],
  ])('accepts Kargo example config for %s', (name, config) => {
    expect(validate(name, config)).toEqual([]);
  });

  it.each<[string, JsonObject, string]>([
    [
      'yaml-update',
      { path: 'v.yaml', updates: [] },
      '/updates must NOT have fewer than 1 items',
    ],
    [
      'yaml-update',
      { path: 'v.yaml', updates: [{ key: 'a' }] },
      "/updates/0 must have required property 'value'",
    ],
    [
      'yaml-update',
      { path: 'v.yaml', updates: [{ key: '', value: 1 }] },
      '/updates/0/key must NOT have fewer than 1 characters',
    ],
    [
      'json-update',
      { path: '', updates: [{ key: 'a', value: 1 }] },
      '/path must NOT have fewer than 1 characters',
    ],
    [
      'toml-update',
      { path: 'a.toml', updates: [{ key: 'a', value: 1, extra: 1 }] },
      '/updates/0 must NOT have additional properties',
    ],
    [
      'yaml-parse',
      { path: 'v.yaml', outputs: [{ name: 'x' }] },
      "/outputs/0 must have required property 'fromExpression'",
    ],
    [
      'json-parse',
      { path: 'v.json' },
      " must have required property 'outputs'",
    ],
    [
      'yaml-merge',
      { inFiles: [], outFile: 'o.yaml' },
      '/inFiles must NOT have fewer than 1 items',
    ],
    [
      'file-write',
      { path: 'x', contents: 'y', permissions: '644' },
      '/permissions must match pattern "^0[0-7]{3}$"',
    ],
    [
      'file-write',
      { path: 'x', contents: 'y', permissions: '04755' },
      '/permissions must match pattern "^0[0-7]{3}$"',
    ],
    ['file-write', { path: 'x' }, " must have required property 'contents'"],
    [
      'copy',
      { inPath: 'a', outPath: 'b', ignore: '' },
      '/ignore must NOT have fewer than 1 characters',
    ],
    [
      'copy',
      { inPath: 'a', outPath: 'b', follow: true },
      ' must NOT have additional properties',
    ],
    ['delete', {}, ' must match exactly one schema in oneOf'],
    [
      'delete',
      { path: 'a', paths: ['b'] },
      ' must match exactly one schema in oneOf',
    ],
    ['delete', { paths: [] }, '/paths must NOT have fewer than 1 items'],
    [
      'tar',
      { inPath: 'a', outPath: 'b', gzip: 'yes' },
      '/gzip must be boolean',
    ],
    [
      'untar',
      { inPath: 'a', outPath: 'b', stripComponents: -1 },
      '/stripComponents must be >= 0',
    ],
    [
      'untar',
      { inPath: 'a', outPath: 'b', stripComponents: 1.5 },
      '/stripComponents must be integer',
    ],
  ])('rejects a bad %s config', (name, config, problem) => {
    expect(validate(name, config)).toContain(problem);
  });
});
