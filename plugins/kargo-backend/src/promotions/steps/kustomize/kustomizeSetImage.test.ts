import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findToolForTests } from '../helm/__testUtils__/tools';
import {
  createStepContext,
  createTestWorkDir,
  testFreight,
} from '../__testUtils__/stepContext';
import { createKustomizeSetImageStep } from './kustomizeSetImage';

const step = createKustomizeSetImageStep();

describe('kustomize-set-image config schema', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    step.configSchema!,
  );

  it.each([
    [
      'the docs example',
      { path: './src/base', images: [{ image: 'my/image', tag: 'v1.2.3' }] },
    ],
    ['path only (all Freight images)', { path: '.' }],
    [
      'digest with an empty tag',
      { path: '.', images: [{ image: 'a', digest: 'sha256:ab', tag: '' }] },
    ],
    [
      'name and newName',
      {
        path: '.',
        images: [{ image: 'a', name: 'b', newName: 'c', tag: '1' }],
      },
    ],
  ])('accepts %s', (_, config) => {
    expect(validate(config)).toBe(true);
  });

  it.each([
    ['no path', { images: [{ image: 'a', tag: '1' }] }],
    ['an empty path', { path: '' }],
    ['an image without tag or digest', { path: '.', images: [{ image: 'a' }] }],
    [
      'an image with newName only',
      { path: '.', images: [{ image: 'a', newName: 'b' }] },
    ],
    [
      'both tag and digest',
      { path: '.', images: [{ image: 'a', tag: '1', digest: 'sha256:ab' }] },
    ],
    ['an empty image', { path: '.', images: [{ image: '', tag: '1' }] }],
    [
      'useDigest (removed in Kargo 1.3)',
      { path: '.', images: [{ image: 'a', tag: '1', useDigest: true }] },
    ],
    ['an unknown field', { path: '.', imgs: [] }],
  ])('rejects %s', (_, config) => {
    expect(validate(config)).toBe(false);
  });
});

describe('kustomize-set-image', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  const file = () => join(workDir, 'overlay', 'kustomization.yaml');

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    await mkdir(join(workDir, 'overlay'));
  });
  afterEach(() => cleanup());

  const run = (config: object, overrides = {}) =>
    step.run(createStepContext(workDir, config as any, overrides));

  it('sets a tag, keeping comments, other fields and untouched images', async () => {
    await writeFile(
      file(),
      [
        '# overlay for dev',
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '- ../base # shared',
        'images:',
        '# the app',
        '- name: ghcr.io/example/guestbook',
        '  newTag: v1.0.0 # bumped by Kargo',
        '- name: redis # pinned by hand',
        '  newTag: "7.2"',
        '',
      ].join('\n'),
    );
    const result = await run({
      path: 'overlay',
      images: [{ image: 'ghcr.io/example/guestbook', tag: 'v1.2.3' }],
    });
    expect(await readFile(file(), 'utf8')).toBe(
      [
        '# overlay for dev',
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '- ../base # shared',
        'images:',
        '# the app',
        '- name: ghcr.io/example/guestbook',
        '  newTag: v1.2.3 # bumped by Kargo',
        '- name: redis # pinned by hand',
        '  newTag: "7.2"',
        '',
      ].join('\n'),
    );
    // Kargo's message lists every image of the file after the change.
    expect(result).toEqual({
      status: 'Succeeded',
      output: {
        commitMessage:
          'Updated overlay to use new images\n\n- ghcr.io/example/guestbook:v1.2.3\n- redis:7.2',
      },
    });
  });

  it('replaces a targeted entry whole, adds new ones and sorts by name', async () => {
    await writeFile(
      file(),
      'resources:\n  - deploy.yaml\nimages:\n  - name: zeta\n    newTag: "1"\n  - name: app\n    newName: old/app\n    newTag: v1\n',
    );
    await run({
      path: 'overlay',
      images: [
        { image: 'app', digest: 'sha256:abc' },
        {
          image: 'registry.example.com/web',
          name: 'web',
          newName: 'mirror.example.com/web',
          tag: '2.0',
        },
      ],
    });
    // Indented sequences stay indented; `app` loses newName and newTag.
    expect(await readFile(file(), 'utf8')).toBe(
      'resources:\n  - deploy.yaml\nimages:\n  - name: app\n    digest: sha256:abc\n  - name: web\n    newName: mirror.example.com/web\n    newTag: "2.0"\n  - name: zeta\n    newTag: "1"\n',
    );
  });

  it('keeps the file\'s value for fields set to "*"', async () => {
    await writeFile(
      file(),
      'images:\n- name: app\n  newName: mirror/app\n  newTag: v1\n',
    );
    const result = await run({
      path: 'overlay',
      images: [{ image: 'app', newName: '*', tag: 'v2' }],
    });
    expect(await readFile(file(), 'utf8')).toBe(
      'images:\n- name: app\n  newName: mirror/app\n  newTag: v2\n',
    );
    expect(result.output).toEqual({
      commitMessage: 'Updated overlay to use new image\n\n- mirror/app:v2',
    });
  });

  it('sets every Freight image (tag and digest) when images is left out', async () => {
    await writeFile(
      file(),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n',
    );
    const other = {
      name: 'b'.repeat(40),
      origin: { kind: 'Warehouse' as const, name: 'cache' },
      images: [{ repoURL: 'docker.io/library/redis', tag: '7.4.0' }],
    };
    const result = await run(
      { path: 'overlay' },
      { freight: [testFreight, other] },
    );
    expect(await readFile(file(), 'utf8')).toBe(
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'images:',
        '- name: docker.io/library/redis',
        '  newTag: 7.4.0',
        '- name: ghcr.io/example/guestbook',
        '  newTag: v1.2.3',
        `  digest: ${testFreight.images![0].digest}`,
        '',
      ].join('\n'),
    );
    expect(result.output).toEqual({
      commitMessage: `Updated overlay to use new images\n\n- docker.io/library/redis:7.4.0\n- ghcr.io/example/guestbook:v1.2.3@${
        testFreight.images![0].digest
      }`,
    });
  });

  it('refuses to guess when two origins carry the same image', async () => {
    await writeFile(file(), 'kind: Kustomization\n');
    const twin = {
      ...testFreight,
      origin: { kind: 'Warehouse' as const, name: 'twin' },
    };
    const error = await run(
      { path: 'overlay' },
      { freight: [testFreight, twin] },
    ).catch(e => e);
    expect(error).toBeInstanceOf(TerminalStepError);
    expect(error.message).toMatch(
      /^manual configuration required due to ambiguous result/,
    );
    expect(await readFile(file(), 'utf8')).toBe('kind: Kustomization\n');
  });

  it('leaves a file without images alone when there is nothing to set', async () => {
    await writeFile(file(), 'kind: Kustomization\n');
    const result = await run({ path: 'overlay' }, { freight: [] });
    expect(result).toEqual({ status: 'Succeeded', output: undefined });
    expect(await readFile(file(), 'utf8')).toBe('kind: Kustomization\n');
  });

  it('needs exactly one Kustomization file, not a link', async () => {
    const images = [{ image: 'a', tag: '1' }];
    await expect(run({ path: 'overlay', images })).rejects.toThrow(
      'could not find any Kustomization files in "overlay"',
    );
    await writeFile(join(workDir, 'real.yaml'), 'kind: Kustomization\n');
    await symlink(join(workDir, 'real.yaml'), file());
    await expect(run({ path: 'overlay', images })).rejects.toThrow(
      'could not find any Kustomization files',
    );
    await writeFile(join(workDir, 'overlay', 'kustomization.yml'), '{}\n');
    await writeFile(join(workDir, 'overlay', 'Kustomization'), '{}\n');
    await expect(run({ path: 'overlay', images })).rejects.toThrow(
      /ambiguous result: found multiple Kustomization files in "overlay": kustomization.yml, Kustomization/,
    );
  });

  it('refuses a path outside the work directory', async () => {
    await expect(
      run({ path: '../', images: [{ image: 'a', tag: '1' }] }),
    ).rejects.toThrow(TerminalStepError);
  });

  it('writes a file that kustomize renders with the new image', async () => {
    const kubectl = await findToolForTests(
      'kubectl',
      'kustomize-set-image rendering checks',
    );
    if (!kubectl) return;
    await writeFile(
      join(workDir, 'overlay', 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: guestbook\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/example/guestbook:v0\n',
    );
    await writeFile(file(), 'resources:\n- deploy.yaml\n');
    await run({ path: 'overlay' });
    const rendered = execFileSync(
      kubectl,
      ['kustomize', join(workDir, 'overlay')],
      {
        encoding: 'utf8',
      },
    );
    expect(rendered).toContain(
      `image: ghcr.io/example/guestbook:v1.2.3@${
        testFreight.images![0].digest
      }`,
    );
  });
});
