/*
 * Runs examples/templates/kargo-service as the scaffolder would, step by
 * step: the step inputs rendered by the scaffolder's template engine,
 * fetch:template from the portal's own scaffolder backend, and this
 * module's actions against a real Git HTTP server and a stand-in backend
 * (Kargo and catalog) that validates what it is sent with kargo-common.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  parseManifests,
  validateManifest,
} from '@kargo-backstage/plugin-kargo-common';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startGitHttpServer } from './__testUtils__/gitHttpServer';
import {
  ReceivedRequest,
  startStubBackend,
  StubAnswer,
} from './__testUtils__/stubBackend';
import { createApplyManifestsAction } from './actions/applyManifests';
import { createGitPushAction } from './actions/gitPush';
import { createRefreshWarehouseAction } from './actions/refreshWarehouse';
import { createRegisterCatalogFileAction } from './actions/registerCatalogFile';

const repoRoot = resolve(__dirname, '../../..');
const templateDir = join(repoRoot, 'examples/templates/kargo-service');

// The portal's backend: app-config paths are relative to it.
const backendDir = join(repoRoot, 'packages/backend');
// The portal's scaffolder backend (a devDependency, as in packages/backend):
// its fetch:template action and the template engine its task runner uses.
const scaffolderBackendPath = require.resolve(
  '@backstage/plugin-scaffolder-backend',
);
const scaffolderBackend = require(scaffolderBackendPath);
const nunjitsu = require(require.resolve('nunjitsu', {
  paths: [dirname(scaffolderBackendPath)],
}));

type Step = { id: string; action: string; input: Record<string, unknown> };
type Template = {
  spec: {
    parameters: Array<{
      properties: Record<string, { default?: string; pattern?: string }>;
    }>;
    steps: Step[];
    output: { links: Array<{ entityRef?: string }>; text: unknown[] };
  };
};

const template = parseManifests(
  readFileSync(join(templateDir, 'template.yaml'), 'utf8'),
)[0] as Template;

/** The stand-in Kargo backend: validates manifests as the real one does first. */
function kargoAndCatalog(request: ReceivedRequest): StubAnswer {
  if (request.url === '/api/kargo/v1beta1/resources') {
    const results = parseManifests(request.body, request.type).map(doc => {
      const result = validateManifest(doc);
      if (!result.ok) {
        throw new Error(JSON.stringify(result.issues));
      }
      return { createdResourceManifest: result.resource };
    });
    return { status: 201, body: { results } };
  }
  const refresh = request.url?.match(/\/warehouses\/([^/]+)\/refresh$/);
  if (refresh) {
    return {
      body: { kind: 'Warehouse', metadata: { name: refresh[1] } },
    };
  }
  if (request.url === '/api/catalog/refresh') {
    return { body: {} };
  }
  return { status: 404, body: { error: { message: 'no such route' } } };
}

describe('examples/templates/kargo-service', () => {
  let root: string;
  let workspacePath: string;
  let git: Awaited<ReturnType<typeof startGitHttpServer>>;
  let backend: Awaited<ReturnType<typeof startStubBackend>>;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'kargo-template-git-'));
    workspacePath = mkdtempSync(join(tmpdir(), 'kargo-template-ws-'));
    git = await startGitHttpServer(root);
    backend = await startStubBackend(request => {
      try {
        return kargoAndCatalog(request);
      } catch (e) {
        return { status: 400, body: { error: { message: String(e) } } };
      }
    });
  });
  afterEach(async () => {
    await git.close();
    await backend.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(workspacePath, { recursive: true, force: true });
  });

  /** Runs the template's steps in order, as the scaffolder's runner does. */
  async function runTemplate(
    parameters: Record<string, string>,
    isDryRun = false,
  ) {
    const { auth, discovery } = backend.services();
    const actions = [
      scaffolderBackend.createFetchTemplateAction({
        reader: mockServices.urlReader.mock(),
        integrations: {},
      }),
      createApplyManifestsAction({ auth, discovery }),
      createGitPushAction({ localGitHosts: [{ baseUrl: git.url, root }] }),
      createRegisterCatalogFileAction({
        auth,
        discovery,
        directory: join(root, 'catalog'),
      }),
      createRefreshWarehouseAction({ auth, discovery }),
    ];
    const renderer = nunjitsu.createTemplateRenderer({});
    const steps: Record<string, { output: Record<string, unknown> }> = {};
    const render = (value: unknown) => {
      // (Round-tripped: fetch's arrays come from outside Jest's realm.)
      const context = renderer.prepareContext(
        JSON.parse(JSON.stringify({ parameters, steps })),
      );
      return JSON.parse(JSON.stringify(value), (_key, v) =>
        typeof v === 'string' ? renderer.renderValue(v, context) : v,
      );
    };
    for (const step of template.spec.steps) {
      const action = actions.find(a => a.id === step.action);
      if (!action) {
        throw new Error(`The test has no action ${step.action}`);
      }
      const output: Record<string, unknown> = {};
      const ctx = createMockActionContext({
        input: render(step.input),
        workspacePath,
        templateInfo: {
          entityRef: 'template:default/kargo-service',
          baseUrl: pathToFileURL(join(templateDir, 'template.yaml')).href,
        },
      });
      (ctx as { isDryRun?: boolean }).isDryRun = isDryRun;
      (ctx.output as jest.Mock).mockImplementation((name, value) => {
        output[name] = value;
      });
      await action.handler(ctx as any);
      steps[step.id] = { output };
    }
    return render(template.spec.output);
  }

  async function cloneOf(name: string) {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-template-clone-'));
    await promisify(execFile)(
      'git',
      ['clone', '-q', `${git.url}/${name}`, 'c'],
      {
        cwd: dir,
      },
    );
    return join(dir, 'c');
  }

  const parameters = () => ({
    name: 'shop',
    description: 'The "shop" service',
    owner: 'group:default/team-a',
    gitBaseUrl: git.url,
  });

  it('takes the parameters it asks for', () => {
    const properties = Object.assign(
      {},
      ...template.spec.parameters.map(p => p.properties),
    );
    const values = parameters();
    expect(values.name).toMatch(new RegExp(properties.name.pattern));
    expect(values.gitBaseUrl).toMatch(
      new RegExp(properties.gitBaseUrl.pattern),
    );
    expect(properties.gitBaseUrl.default).toMatch(
      new RegExp(properties.gitBaseUrl.pattern),
    );
    expect('Shop_1').not.toMatch(new RegExp(properties.name.pattern));
    expect(properties.gitBaseUrl.default).toBe(
      'http://localhost:7007/api/demo-git',
    );
  });

  it('creates the repositories, the pipeline and the component', async () => {
    const output = await runTemplate(parameters());

    // The pipeline: valid Kargo manifests (the stand-in validated them),
    // created as the user, watching the new source repository.
    const apply = backend.received[0];
    expect(apply).toMatchObject({
      method: 'POST',
      url: '/api/kargo/v1beta1/resources',
      auth: 'Bearer user-token',
    });
    const docs = parseManifests(apply.body) as Array<{
      kind: string;
      metadata: { name: string };
      spec?: any;
    }>;
    expect(docs.map(d => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Project/shop',
      'ProjectConfig/shop',
      'Warehouse/shop',
      'PromotionTask/update-environment',
      'Stage/dev',
      'Stage/staging',
      'Stage/prod',
    ]);
    for (const doc of docs) {
      expect(validateManifest(doc)).toMatchObject({ ok: true });
    }
    expect(docs[2].spec.subscriptions[0].git.repoURL).toBe(
      `${git.url}/shop-src.git`,
    );
    // Kargo's own expressions are left for Kargo.
    expect(docs[3].spec.steps[0].config.repoURL).toBe('${{ vars.gitopsRepo }}');
    expect(docs[3].spec.vars).toContainEqual({
      name: 'gitopsRepo',
      value: `${git.url}/shop-gitops.git`,
    });

    // Both repositories exist on the Git server, with their content.
    const gitops = await cloneOf('shop-gitops.git');
    expect(readdirSync(join(gitops, 'env')).sort()).toEqual([
      'dev',
      'prod',
      'staging',
    ]);
    expect(readFileSync(join(gitops, 'kargo/pipeline.yaml'), 'utf8')).toBe(
      readFileSync(join(workspacePath, 'gitops/kargo/pipeline.yaml'), 'utf8'),
    );
    const source = await cloneOf('shop-src.git');
    const [entity] = parseManifests(
      readFileSync(join(source, 'catalog-info.yaml'), 'utf8'),
    ) as any[];
    expect(entity).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'shop',
        description: 'The "shop" service',
        annotations: { 'kargo.akuity.io/project': 'shop' },
      },
      spec: { owner: 'group:default/team-a', type: 'service' },
    });

    // Registered: in the folder the demo's catalog location reads, and
    // that location refreshed; then the Warehouse asked to discover.
    expect(
      existsSync(join(root, 'catalog', 'component-default-shop.yaml')),
    ).toBe(true);
    expect(
      backend.received.slice(1).map(r => [r.method, r.url, r.body]),
    ).toEqual([
      [
        'POST',
        '/api/catalog/refresh',
        JSON.stringify({
          entityRef: 'location:default/kargo-scaffolded-components',
        }),
      ],
      ['POST', '/api/kargo/v1beta1/projects/shop/warehouses/shop/refresh', ''],
    ]);
    expect(backend.received.every(r => r.auth === 'Bearer user-token')).toBe(
      true,
    );
    expect(output.links[0].entityRef).toBe('component:default/shop');
  });

  it('changes nothing on a dry run', async () => {
    await runTemplate(parameters(), true);
    expect(backend.received).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
    // fetch:template still renders the skeleton, as in a real dry run.
    expect(existsSync(join(workspacePath, 'gitops/kargo/pipeline.yaml'))).toBe(
      true,
    );
  });

  it("registers into the folder the demo's catalog location reads", () => {
    // app-config.yaml: demo.git.root, relative to packages/backend; the
    // module writes entities to <root>/catalog.
    const appConfig = readFileSync(join(repoRoot, 'app-config.yaml'), 'utf8');
    const demoRoot = appConfig.match(/^demo:\n\s+git:\n\s+root: (.+)$/m)?.[1];
    expect(demoRoot).toBeDefined();
    const locations = parseManifests(
      readFileSync(
        join(repoRoot, 'examples/templates/catalog-info.yaml'),
        'utf8',
      ),
    ) as any[];
    const scaffolded = locations.find(
      l => l.metadata.name === 'kargo-scaffolded-components',
    );
    expect(
      resolve(
        join(repoRoot, 'examples/templates'),
        dirname(scaffolded.spec.target),
      ),
    ).toBe(resolve(backendDir, demoRoot!.trim(), 'catalog'));
    expect(
      template.spec.steps.find(s => s.id === 'register')?.input,
    ).toMatchObject({
      refreshLocation: 'location:default/kargo-scaffolded-components',
    });
  });
});
