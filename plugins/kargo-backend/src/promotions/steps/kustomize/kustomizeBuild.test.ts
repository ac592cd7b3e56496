import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import Ajv from 'ajv';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { findBinary } from '../binaries';
import { findToolForTests, withPath } from '../helm/__testUtils__/tools';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { createKustomizeBuildStep } from './kustomizeBuild';

jest.setTimeout(30_000);

const step = createKustomizeBuildStep();

async function put(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

const BASE = {
  'src/base/kustomization.yaml': 'resources:\n- deploy.yaml\n- ns.yaml\n',
  'src/base/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  labels:\n    tier: web\nspec:\n  replicas: 1\n',
  'src/base/ns.yaml':
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
};

describe('kustomize-build config schema', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    step.configSchema!,
  );

  it.each([
    [
      'a file outPath',
      { path: './src/stages/dev', outPath: './out/manifests.yaml' },
    ],
    [
      'a directory with the kustomize format',
      { path: 'a', outPath: 'out', outputFormat: 'kustomize' },
    ],
    [
      'Helm plugin settings',
      {
        path: 'a',
        outPath: 'o',
        plugin: { helm: { kubeVersion: '1.30', apiVersions: ['x/v1'] } },
      },
    ],
  ])('accepts %s', (_, config) => {
    expect(validate(config)).toBe(true);
  });

  it.each([
    ['no outPath', { path: 'a' }],
    ['an empty path', { path: '', outPath: 'o' }],
    [
      'an unknown output format',
      { path: 'a', outPath: 'o', outputFormat: 'json' },
    ],
    ['an unknown plugin', { path: 'a', outPath: 'o', plugin: { exec: {} } }],
    [
      'an empty API version',
      { path: 'a', outPath: 'o', plugin: { helm: { apiVersions: [''] } } },
    ],
  ])('rejects %s', (_, config) => {
    expect(validate(config)).toBe(false);
  });
});

describe('kustomize-build', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let tool: string | undefined;
  let helm: string | undefined;

  beforeAll(async () => {
    // kubectl's built-in kustomize is the fallback the step uses.
    tool =
      (await findBinary('kustomize')) ??
      (await findToolForTests('kubectl', 'kustomize-build tests'));
    helm = await findToolForTests(
      'helm',
      "kustomize-build's Helm plugin tests",
    );
  });
  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    await put(workDir, BASE);
  });
  afterEach(() => cleanup());

  const run = (config: object) =>
    step.run(createStepContext(workDir, config as any));

  it('renders an overlay to one file', async () => {
    if (!tool) return;
    await put(workDir, {
      'src/stages/dev/kustomization.yaml':
        'resources:\n- ../../base\nnamePrefix: dev-\nnamespace: dev\n',
    });
    const result = await run({
      path: 'src/stages/dev',
      outPath: 'out/manifests.yaml',
    });
    expect(result).toEqual({ status: 'Succeeded' });
    expect(await readFile(join(workDir, 'out/manifests.yaml'), 'utf8')).toBe(
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        '  name: dev',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  labels:',
        '    tier: web',
        '  name: dev-app',
        '  namespace: dev',
        'spec:',
        '  replicas: 1',
        '',
      ].join('\n'),
    );
  });

  it('writes one file per resource, named as Kargo names them', async () => {
    if (!tool) return;
    await put(workDir, {
      'src/base/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Settings\n  namespace: other\ndata:\n  b: "2"\n  a: "1"\n',
      'src/base/kustomization.yaml':
        'resources:\n- deploy.yaml\n- ns.yaml\n- cm.yaml\n',
    });
    await run({ path: 'src/base', outPath: 'out' });
    expect((await readdir(join(workDir, 'out'))).sort()).toEqual([
      'deployment-app.yaml',
      'namespace-team.yaml',
      'other-configmap-settings.yaml',
    ]);
    // Keys sorted, as Kargo's per-resource writer does.
    expect(
      await readFile(
        join(workDir, 'out/other-configmap-settings.yaml'),
        'utf8',
      ),
    ).toBe(
      'apiVersion: v1\ndata:\n  a: "1"\n  b: "2"\nkind: ConfigMap\nmetadata:\n  name: Settings\n  namespace: other\n',
    );
  });

  it("uses kustomize's names with outputFormat kustomize, namespaces only when several", async () => {
    if (!tool) return;
    await run({
      path: 'src/base',
      outPath: 'single',
      outputFormat: 'kustomize',
    });
    expect((await readdir(join(workDir, 'single'))).sort()).toEqual([
      'apps_v1_deployment_app.yaml',
      'v1_namespace_team.yaml',
    ]);
    await put(workDir, {
      'src/base/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: other\n',
      'src/base/kustomization.yaml':
        'resources:\n- deploy.yaml\n- ns.yaml\n- cm.yaml\n',
    });
    await run({
      path: 'src/base',
      outPath: 'multi',
      outputFormat: 'kustomize',
    });
    expect((await readdir(join(workDir, 'multi'))).sort()).toEqual([
      'apps_v1_deployment_app.yaml',
      'other_v1_configmap_cfg.yaml',
      'v1_namespace_team.yaml',
    ]);
  });

  it('replaces a link at an output file instead of writing through it', async () => {
    if (!tool) return;
    const outside = await mkdtemp(join(tmpdir(), 'kargo-outside-'));
    try {
      await writeFile(join(outside, 'victim'), 'untouched');
      await mkdir(join(workDir, 'out'));
      await symlink(
        join(workDir, 'elsewhere.yaml'),
        join(workDir, 'out', 'deployment-app.yaml'),
      );
      await run({ path: 'src/base', outPath: 'out' });
      expect(
        await readFile(join(workDir, 'out/deployment-app.yaml'), 'utf8'),
      ).toContain('kind: Deployment');
      await expect(readFile(join(workDir, 'elsewhere.yaml'))).rejects.toThrow(
        /ENOENT/,
      );
      // A link leading outside the work directory is refused outright.
      await rm(join(workDir, 'out', 'namespace-team.yaml'));
      await symlink(
        join(outside, 'victim'),
        join(workDir, 'out', 'namespace-team.yaml'),
      );
      await expect(run({ path: 'src/base', outPath: 'out' })).rejects.toThrow(
        /outPath: symbolic link out\/namespace-team.yaml leads outside/,
      );
      expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('untouched');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses kustomizations and files outside the work directory', async () => {
    if (!tool) return;
    const outside = await mkdtemp(join(tmpdir(), 'kargo-outside-'));
    try {
      await put(outside, {
        'kustomization.yaml': 'resources:\n- secret.yaml\n',
        'secret.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: host-secret\n',
        passwd: 'root:x:0:0\n',
      });
      await put(workDir, {
        'a/kustomization.yaml': `resources:\n- ../src/base\n- ${outside}\n`,
      });
      const error = await run({ path: 'a', outPath: 'out.yaml' }).catch(e => e);
      expect(error).toBeInstanceOf(TerminalStepError);
      expect(error.message).toContain(
        `refers to "${outside}", which is outside`,
      );

      // Files: kustomize's root-only restriction, links resolved.
      await symlink(join(outside, 'passwd'), join(workDir, 'src/base/passwd'));
      await put(workDir, {
        'b/kustomization.yaml':
          'resources:\n- ../src/base\nconfigMapGenerator:\n- name: leak\n  files:\n  - ../src/base/passwd\n',
      });
      await expect(run({ path: 'b', outPath: 'out.yaml' })).rejects.toThrow(
        /security; file .*passwd' is not in or below/,
      );
      await expect(readFile(join(workDir, 'out.yaml'))).rejects.toThrow(
        /ENOENT/,
      );
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('inflates Helm charts with the configured Kubernetes and API versions', async () => {
    if (!tool || !helm) return;
    await put(workDir, {
      'app/charts/demo/Chart.yaml':
        'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
      'app/charts/demo/values.yaml': 'greeting: hello\n',
      'app/charts/demo/templates/cm.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-cm',
        'data:',
        '  greeting: {{ .Values.greeting | quote }}',
        '  kube: {{ .Capabilities.KubeVersion.Version | quote }}',
        '  hasWidgets: {{ .Capabilities.APIVersions.Has "widgets.example.com/v1" | quote }}',
        '',
      ].join('\n'),
      'app/kustomization.yaml':
        'helmCharts:\n- name: demo\n  releaseName: rel\n  valuesInline:\n    greeting: hi\n',
    });
    await run({
      path: 'app',
      outPath: 'out.yaml',
      plugin: {
        helm: {
          kubeVersion: '1.29.0',
          apiVersions: ['widgets.example.com/v1'],
        },
      },
    });
    const out = await readFile(join(workDir, 'out.yaml'), 'utf8');
    expect(out).toContain('name: rel-cm');
    expect(out).toContain('greeting: hi');
    expect(out).toContain('kube: v1.29.0');
    expect(out).toContain('hasWidgets: "true"');
  });

  it('says helm is needed when charts are to be inflated without it', async () => {
    if (!tool) return;
    const bin = await mkdtemp(join(tmpdir(), 'kargo-bin-'));
    try {
      // A PATH with kustomize (or kubectl) and nothing else.
      await symlink(tool, join(bin, basename(tool)));
      await put(workDir, {
        'app/charts/demo/Chart.yaml':
          'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
        'app/kustomization.yaml':
          'helmCharts:\n- name: demo\n  releaseName: rel\n',
      });
      await withPath(bin, async () => {
        const error = await run({ path: 'app', outPath: 'out.yaml' }).catch(
          e => e,
        );
        expect(error).toBeInstanceOf(TerminalStepError);
        expect(error.message).toBe(
          "kustomize-build needs the `helm` binary on the backend's PATH to inflate the Helm charts of app",
        );
      });
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('names the missing binaries when neither kustomize nor kubectl is on PATH', async () => {
    await withPath('', async () => {
      const error = await run({ path: 'src/base', outPath: 'out.yaml' }).catch(
        e => e,
      );
      expect(error).toBeInstanceOf(TerminalStepError);
      expect(error.message).toBe(
        "kustomize-build needs the `kustomize` binary (or `kubectl`) on the backend's PATH",
      );
    });
  });
});
