import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import Ajv from 'ajv';
import {
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { ChartRepoServer } from './__testUtils__/chartRepoServer';
import { demoChart, putFiles, under } from './__testUtils__/charts';
import { findToolForTests, withPath } from './__testUtils__/tools';
import { createHelmTemplateStep } from './helmTemplate';

jest.setTimeout(30_000);

const step = createHelmTemplateStep();

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('helm-template config schema', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    step.configSchema!,
  );

  it.each([
    [
      'the docs file example',
      {
        path: './src/charts/my-chart',
        valuesFiles: ['./src/charts/my-chart/dev-values.yaml'],
        outPath: './out/manifests.yaml',
        releaseName: 'my-chart',
      },
    ],
    [
      'every option',
      {
        path: 'c',
        outPath: 'o',
        releaseName: 'r',
        outLayout: 'flat',
        useReleaseName: true,
        namespace: 'n',
        valuesFiles: ['v.yaml'],
        ignoreMissingValueFiles: true,
        setValues: [{ key: 'a.b', value: '1', literal: true }],
        buildDependencies: true,
        includeCRDs: true,
        disableHooks: true,
        skipTests: true,
        kubeVersion: '1.30.0',
        apiVersions: ['x/v1'],
      },
    ],
  ])('accepts %s', (_, config) => {
    expect(validate(config)).toBe(true);
  });

  it.each([
    ['no releaseName', { path: 'c', outPath: 'o' }],
    ['an empty releaseName', { path: 'c', outPath: 'o', releaseName: '' }],
    [
      'an unknown layout',
      { path: 'c', outPath: 'o', releaseName: 'r', outLayout: 'tree' },
    ],
    [
      'a setValue without value',
      { path: 'c', outPath: 'o', releaseName: 'r', setValues: [{ key: 'a' }] },
    ],
    [
      'a non-string setValue',
      {
        path: 'c',
        outPath: 'o',
        releaseName: 'r',
        setValues: [{ key: 'a', value: 1 }],
      },
    ],
    [
      'a string for a boolean',
      { path: 'c', outPath: 'o', releaseName: 'r', includeCRDs: 'yes' },
    ],
    [
      'an unknown field',
      { path: 'c', outPath: 'o', releaseName: 'r', values: {} },
    ],
  ])('rejects %s', (_, config) => {
    expect(validate(config)).toBe(false);
  });
});

describe('helm-template', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let helm: string | undefined;

  beforeAll(async () => {
    helm = await findToolForTests('helm', 'helm-template tests');
  });
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    await putFiles(workDir, {
      ...under('src/chart', demoChart()),
      'src/dev-values.yaml': 'color: blue\nsize: medium\n',
      'src/prod-values.yaml': 'size: large\n',
    });
  });
  afterEach(() => cleanup());

  const run = (config: object) =>
    step.run(createStepContext(workDir, config as any));
  const read = (path: string) => readFile(join(workDir, path), 'utf8');

  it('renders to one file: values files in order, set values, hooks, namespace from the Project', async () => {
    if (!helm) return;
    const result = await run({
      path: 'src/chart',
      outPath: 'out/manifests.yaml',
      releaseName: 'guestbook',
      valuesFiles: ['src/dev-values.yaml', 'src/prod-values.yaml'],
      setValues: [
        { key: 'replicas', value: '3' },
        { key: 'size', value: 'huge' },
      ],
      kubeVersion: '1.29.0',
      apiVersions: ['widgets.example.com/v1'],
    });
    expect(result).toEqual({ status: 'Succeeded' });
    const out = await read('out/manifests.yaml');
    expect(out).toMatch(/^---\n# Source: demo\/templates\/configmap.yaml\n/);
    expect(out).toContain(
      [
        '  name: guestbook-settings',
        '  namespace: kargo-demo',
        'data:',
        '  color: "blue"',
        '  size: "huge"',
        '  replicas: "number"',
        '  kube: "v1.29.0"',
        '  hasWidgets: "true"',
      ].join('\n'),
    );
    expect(out).toContain('---\n# Source: demo/templates/hook.yaml\n');
    expect(out).toContain('name: guestbook-test');
    expect(out).not.toContain('CustomResourceDefinition');
  });

  it('honours literal values, namespace, CRDs, disabled hooks and skipped tests', async () => {
    if (!helm) return;
    await run({
      path: 'src/chart',
      outPath: 'a.yaml',
      releaseName: 'r',
      namespace: 'team-a',
      setValues: [{ key: 'replicas', value: '3', literal: true }],
      includeCRDs: true,
      skipTests: true,
    });
    const a = await read('a.yaml');
    expect(a).toContain('replicas: "string"');
    expect(a).toContain('namespace: team-a');
    expect(a).toContain('kind: CustomResourceDefinition');
    expect(a).toContain('name: r-migrate');
    expect(a).not.toContain('name: r-test');

    await run({
      path: 'src/chart',
      outPath: 'b.yml',
      releaseName: 'r',
      disableHooks: true,
    });
    const b = await read('b.yml');
    expect(b).not.toContain('r-migrate');
    expect(b).not.toContain('r-test');
    expect(b).toContain('name: r-settings');
  });

  it('skips missing values files only when asked to', async () => {
    if (!helm) return;
    const config = {
      path: 'src/chart',
      outPath: 'out.yaml',
      releaseName: 'r',
      valuesFiles: ['src/staging-values.yaml', 'src/dev-values.yaml'],
    };
    await expect(run(config)).rejects.toThrow(/staging-values.yaml/);
    await run({ ...config, ignoreMissingValueFiles: true });
    expect(await read('out.yaml')).toContain('color: "blue"');
  });

  it("writes helm's layout to a directory, under the release name when asked", async () => {
    if (!helm) return;
    await run({ path: 'src/chart', outPath: 'out', releaseName: 'r' });
    expect(await listFiles(join(workDir, 'out'))).toEqual([
      'demo/templates/configmap.yaml',
      'demo/templates/deployment.yaml',
      'demo/templates/hook.yaml',
      'demo/templates/tests/test.yaml',
    ]);
    expect(await read('out/demo/templates/hook.yaml')).toBe(
      '---\n# Source: demo/templates/hook.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: r-migrate\n  annotations:\n    helm.sh/hook: pre-install\n',
    );
    await run({
      path: 'src/chart',
      outPath: 'by-release',
      outLayout: 'helm',
      releaseName: 'r',
      useReleaseName: true,
    });
    expect(await listFiles(join(workDir, 'by-release'))).toContain(
      'r/demo/templates/configmap.yaml',
    );
  });

  it('writes the flat layout: one file per resource, named as Kargo names them', async () => {
    if (!helm) return;
    await run({
      path: 'src/chart',
      outPath: 'flat',
      outLayout: 'flat',
      releaseName: 'r',
      namespace: 'ns1',
    });
    expect(await listFiles(join(workDir, 'flat'))).toEqual([
      'apps-deployment-r.yaml',
      'batch-job-r-migrate.yaml',
      'configmap-ns1-r-settings.yaml',
      'pod-r-test.yaml',
    ]);
    expect(await read('flat/batch-job-r-migrate.yaml')).toBe(
      '# Source: demo/templates/hook.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: r-migrate\n  annotations:\n    helm.sh/hook: pre-install',
    );
  });

  it('builds local dependencies when asked, and fails on missing ones otherwise', async () => {
    if (!helm) return;
    await putFiles(workDir, {
      ...under('src/lib', demoChart('lib')),
      'src/chart/Chart.yaml':
        'apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: lib\n  version: 0.1.0\n  repository: file://../lib\n',
    });
    const config = { path: 'src/chart', outPath: 'out.yaml', releaseName: 'r' };
    await expect(run(config)).rejects.toThrow(/lib/);
    await run({ ...config, buildDependencies: true });
    expect(await read('src/chart/Chart.lock')).toContain('name: lib');
    expect(await read('out.yaml')).toContain(
      '# Source: demo/charts/lib/templates/configmap.yaml',
    );
  });

  it('builds dependencies from a chart repository', async () => {
    if (!helm) return;
    const repo = await new ChartRepoServer().start();
    try {
      repo.publish({ podinfo: ['1.0.0', '1.4.0', '2.0.0'] });
      await putFiles(workDir, {
        'src/chart/Chart.yaml': `apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: podinfo\n  version: ~1.0.0\n  repository: ${repo.url}\n`,
      });
      await run({
        path: 'src/chart',
        outPath: 'out.yaml',
        releaseName: 'r',
        buildDependencies: true,
      });
      expect(await readdir(join(workDir, 'src/chart/charts'))).toEqual([
        'podinfo-1.0.0.tgz',
      ]);
      expect(await read('src/chart/Chart.lock')).toContain('version: 1.0.0');
      expect(await read('out.yaml')).toContain('name: r-settings');
    } finally {
      await repo.stop();
    }
  });

  it('refuses charts, dependencies and values that lead outside the work directory', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'kargo-outside-'));
    try {
      await writeFile(join(outside, 'secret.yaml'), 'token: hunter2\n');
      const base = { path: 'src/chart', outPath: 'out.yaml', releaseName: 'r' };
      await expect(
        run({ ...base, valuesFiles: ['../x.yaml'] }),
      ).rejects.toThrow(TerminalStepError);

      await symlink(
        join(outside, 'secret.yaml'),
        join(workDir, 'src/chart/templates/leak.yaml'),
      );
      await expect(run(base)).rejects.toThrow(
        "src/chart: symbolic link src/chart/templates/leak.yaml leads outside the Promotion's work directory",
      );
      await rm(join(workDir, 'src/chart/templates/leak.yaml'));

      await writeFile(
        join(workDir, 'src/chart/Chart.yaml'),
        `apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: x\n  version: 1.0.0\n  repository: file://${outside}\n`,
      );
      await expect(run(base)).rejects.toThrow(
        'dependency path must be relative',
      );
      await expect(readFile(join(workDir, 'out.yaml'))).rejects.toThrow(
        /ENOENT/,
      );
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a directory without Chart.yaml', async () => {
    await expect(
      run({ path: 'src', outPath: 'o.yaml', releaseName: 'r' }),
    ).rejects.toThrow('no Chart.yaml in "src"');
  });

  it('names the missing binary when helm is not on PATH', async () => {
    await withPath('', async () => {
      const error = await run({
        path: 'src/chart',
        outPath: 'o.yaml',
        releaseName: 'r',
      }).catch(e => e);
      expect(error).toBeInstanceOf(TerminalStepError);
      expect(error.message).toBe(
        "helm-template needs the `helm` binary on the backend's PATH",
      );
    });
  });
});
