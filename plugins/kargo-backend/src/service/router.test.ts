import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import kargoPlugin from '../index';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const PIPELINE = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: demo
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: app
  namespace: demo
spec:
  subscriptions:
    - image:
        repoURL: registry.example.com/app
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: dev
  namespace: demo
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: git-clone
          config: { repoURL: 'https://git.example.com/gitops.git' }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: prod
  namespace: demo
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { stages: [dev] }
  promotionTemplate:
    spec:
      steps:
        - uses: git-clone
          config: { repoURL: 'https://git.example.com/gitops.git' }
`;

const stageYaml = (name: string, body: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
  namespace: demo
spec:
${body}
`;

const guestbook = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'guestbook',
    namespace: 'default',
    annotations: { 'kargo.akuity.io/project': 'demo, missing' },
  },
  spec: { type: 'website', owner: 'guests', lifecycle: 'production' },
};
const plain = {
  ...guestbook,
  metadata: { name: 'plain', namespace: 'default' },
};
const prodOnly = {
  ...guestbook,
  metadata: {
    name: 'prod-only',
    namespace: 'default',
    annotations: {
      'kargo.akuity.io/project': 'demo',
      'kargo.akuity.io/stages': 'prod',
    },
  },
};

describe.each(databases.eachSupportedId())('router on %s', databaseId => {
  const auditEvents: Array<{
    options: any;
    outcome?: 'success' | 'fail';
    meta?: any;
    error?: Error;
  }> = [];

  async function startServer(
    authorize?: (permission: string) => AuthorizeResult,
  ) {
    auditEvents.length = 0;
    const auditor = mockServices.auditor.mock({
      createEvent: async options => {
        const event: (typeof auditEvents)[number] = { options };
        auditEvents.push(event);
        return {
          success: async (o?: { meta?: any }) => {
            Object.assign(event, { outcome: 'success', meta: o?.meta });
          },
          fail: async (o: { error: Error }) => {
            Object.assign(event, { outcome: 'fail', error: o.error });
          },
        };
      },
    });
    const knex = await databases.init(databaseId);
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result: authorize
            ? authorize(r.permission.name)
            : AuthorizeResult.ALLOW,
        })) as any,
    });
    const { server } = await startTestBackend({
      features: [
        kargoPlugin,
        mockServices.database.factory({ knex }),
        permissions.factory,
        auditor.factory,
        catalogServiceMock.factory({ entities: [guestbook, plain, prodOnly] }),
      ],
    });
    return server;
  }

  const apply = (
    server: any,
    method: 'post' | 'put' | 'delete',
    body: string,
  ) =>
    request(server)
      [method]('/api/kargo/v1beta1/resources')
      .set('Content-Type', 'application/yaml')
      .send(body);

  it('creates a pipeline from multi-document YAML and answers whole objects with defaults', async () => {
    const server = await startServer();
    const created = await apply(server, 'post', PIPELINE);
    expect(created.status).toBe(201);
    expect(
      created.body.results.map(
        (r: any) => r.createdResourceManifest.metadata.name,
      ),
    ).toEqual(['demo', 'app', 'dev', 'prod']);

    const warehouse = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/warehouses/app',
    );
    expect(warehouse.status).toBe(200);
    expect(warehouse.body).toMatchObject({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Warehouse',
      metadata: { name: 'app', namespace: 'demo', resourceVersion: '1' },
      spec: {
        interval: '5m0s',
        freightCreationPolicy: 'Automatic',
        subscriptions: [
          {
            image: {
              repoURL: 'registry.example.com/app',
              imageSelectionStrategy: 'SemVer',
              discoveryLimit: 20,
            },
          },
        ],
      },
      status: {},
    });

    const stages = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/stages',
    );
    expect(stages.body.kind).toBe('StageList');
    expect(stages.body.items.map((s: any) => s.metadata.name)).toEqual([
      'dev',
      'prod',
    ]);

    const projects = await request(server).get('/api/kargo/v1beta1/projects');
    expect(projects.body.items.map((p: any) => p.metadata.name)).toEqual([
      'demo',
    ]);
  });

  // Versioning is shown on a PromotionTask: nothing but the user writes it
  // (the engine writes Stage and Warehouse status, which bumps theirs).
  const taskYaml = (vars: string, version?: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata:
  name: deploy
  namespace: demo${version ? `\n  resourceVersion: "${version}"` : ''}
spec:
  vars: [${vars}]
  steps:
    - uses: git-clone
      config: { repoURL: 'https://git.example.com/gitops.git' }
`;
  const getTask = (server: any) =>
    request(server).get(
      '/api/kargo/v1beta1/projects/demo/promotion-tasks/deploy',
    );

  it('refuses to create what exists, and changes nothing', async () => {
    const server = await startServer();
    await apply(server, 'post', `${PIPELINE}---${taskYaml('{ name: env }')}`);
    const again = await apply(
      server,
      'post',
      `${PIPELINE}---${taskYaml('{ name: other }')}`,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already exists/);
    const task = await getTask(server);
    expect(task.body.metadata.resourceVersion).toBe('1');
    expect(task.body.spec.vars).toEqual([{ name: 'env' }]);
  });

  it('updates with PUT and answers a stale resourceVersion with 409', async () => {
    const server = await startServer();
    await apply(server, 'post', `${PIPELINE}---${taskYaml('{ name: env }')}`);
    const unchanged = await apply(server, 'put', taskYaml('{ name: env }'));
    expect(unchanged.status).toBe(200);
    expect(
      unchanged.body.results[0].updatedResourceManifest.metadata
        .resourceVersion,
    ).toBe('1');

    const update = (version?: string) =>
      apply(
        server,
        'put',
        taskYaml('{ name: env, value: development }', version),
      );
    const updated = await update();
    expect(updated.status).toBe(200);
    expect(
      updated.body.results[0].updatedResourceManifest.metadata,
    ).toMatchObject({ resourceVersion: '2', generation: 2 });

    expect((await update('1')).status).toBe(409);
    expect((await update('2')).status).toBe(200);
    const task = await getTask(server);
    expect(task.body.spec.vars).toEqual([
      { name: 'env', value: 'development' },
    ]);
    // The last PUT carried the current version but no change: nothing written.
    expect(task.body.metadata.resourceVersion).toBe('2');
  });

  it('lets one of two concurrent updates from the same version win; the other gets 409', async () => {
    const server = await startServer();
    await apply(server, 'post', `${PIPELINE}---${taskYaml('{ name: env }')}`);
    const update = (value: string) =>
      apply(server, 'put', taskYaml(`{ name: who, value: ${value} }`, '1'));
    const responses = await Promise.all([update('alice'), update('bob')]);
    expect(responses.map(r => r.status).sort()).toEqual([200, 409]);
    const winner = responses.find(r => r.status === 200)!;
    const task = await getTask(server);
    expect(task.body.metadata.resourceVersion).toBe('2');
    expect(task.body.spec.vars).toEqual(
      winner.body.results[0].updatedResourceManifest.spec.vars,
    );
  });

  it.each([
    [
      'a Stage source with neither direct nor stages',
      stageYaml(
        'qa',
        `  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: {}`,
      ),
      'spec.requestedFreight[0].sources: at least one of direct or stages is required',
    ],
    [
      'a Stage requesting Freight from a missing Warehouse',
      stageYaml(
        'qa',
        `  requestedFreight:\n    - origin: { kind: Warehouse, name: nope }\n      sources: { direct: true }`,
      ),
      'spec.requestedFreight[0].origin.name: Warehouse "nope" does not exist in project "demo"',
    ],
    [
      'a Stage taking Freight from a missing upstream Stage',
      stageYaml(
        'qa',
        `  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: { stages: [ghost] }`,
      ),
      'spec.requestedFreight[0].sources.stages[0]: Stage "ghost" does not exist in project "demo"',
    ],
    [
      'a Stage using a missing PromotionTask',
      stageYaml(
        'qa',
        `  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: { direct: true }\n  promotionTemplate:\n    spec:\n      steps:\n        - task: { name: deploy }`,
      ),
      'spec.promotionTemplate.spec.steps[0].task.name: PromotionTask "deploy" does not exist in project "demo"',
    ],
    [
      'a cycle in the Stage graph',
      stageYaml(
        'dev',
        `  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: { stages: [prod] }`,
      ),
      'the Stage graph would have a cycle: dev → prod → dev',
    ],
    [
      'an unknown kind',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Pipeline\nmetadata: { name: x, namespace: demo }',
      'document 1 (Pipeline demo/x): kind: unknown kind',
    ],
    [
      'a wrong apiVersion',
      'apiVersion: kargo.akuity.io/v1beta7\nkind: Warehouse\nmetadata: { name: x, namespace: demo }\nspec: {}',
      'apiVersion: must be kargo.akuity.io/v1alpha1',
    ],
    [
      'an invalid interval',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata: { name: x, namespace: demo }\nspec:\n  interval: five minutes\n  subscriptions:\n    - image: { repoURL: r.example.com/x }',
      'spec.interval:',
    ],
    [
      'an invalid tag regex',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata: { name: x, namespace: demo }\nspec:\n  subscriptions:\n    - image: { repoURL: r.example.com/x, allowTagsRegexes: ["v[0-9"] }',
      'spec.subscriptions[0].image.allowTagsRegexes[0]:',
    ],
    [
      'an invalid semver constraint',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata: { name: x, namespace: demo }\nspec:\n  subscriptions:\n    - chart: { repoURL: "oci://r.example.com/charts/x", semverConstraint: "^^1.0" }',
      'spec.subscriptions[0].chart.semverConstraint:',
    ],
    [
      'a namespaced resource of a missing project',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata: { name: x, namespace: elsewhere }\nspec:\n  subscriptions:\n    - image: { repoURL: r.example.com/x }',
      'metadata.namespace: project "elsewhere" does not exist',
    ],
    [
      'a ProjectConfig not named after its project',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: ProjectConfig\nmetadata: { name: other, namespace: demo }\nspec: {}',
      'metadata.name: must match the project name "demo"',
    ],
    [
      'two documents with the same identity',
      `${stageYaml(
        'qa',
        '  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: { direct: true }',
      )}\n---\n${stageYaml(
        'qa',
        '  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: { direct: true }',
      )}`,
      'document 2 (Stage demo/qa): metadata.name: duplicates document 1',
    ],
  ])('rejects %s with 400 naming the path', async (_what, body, message) => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const response = await apply(server, 'put', body);
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toContain(message);
  });

  it('applies nothing when one document of a batch is bad', async () => {
    const server = await startServer();
    const body = `${PIPELINE}\n---\n${stageYaml(
      'broken',
      '  requestedFreight: []',
    )}`;
    const response = await apply(server, 'post', body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(
      'document 5 (Stage demo/broken)',
    );
    expect(
      (await request(server).get('/api/kargo/v1beta1/projects/demo')).status,
    ).toBe(404);
    expect(
      (await request(server).get('/api/kargo/v1beta1/projects')).body.items,
    ).toEqual([]);
  });

  it('rolls back a batch whose write fails part-way', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    // Valid documents, but creating the existing Stage fails after the new
    // Warehouse was written: the Warehouse must not survive.
    const body = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: second, namespace: demo }
spec:
  subscriptions:
    - image: { repoURL: registry.example.com/second }
---
${stageYaml(
  'dev',
  '  requestedFreight:\n    - origin: { kind: Warehouse, name: app }\n      sources: { direct: true }',
)}`;
    const response = await apply(server, 'post', body);
    expect(response.status).toBe(409);
    const second = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/warehouses/second',
    );
    expect(second.status).toBe(404);
  });

  it('answers malformed bodies with 400, not 500', async () => {
    const server = await startServer();
    const yaml = await apply(server, 'post', 'kind: [unclosed');
    expect(yaml.status).toBe(400);
    const empty = await apply(server, 'post', '');
    expect(empty.status).toBe(400);
    const json = await request(server)
      .post('/api/kargo/v1beta1/resources')
      .set('Content-Type', 'application/json')
      .send('{"apiVersion": ');
    expect(json.status).toBe(400);
  });

  it('creates Freight with its Kargo name and an alias, finds it by either, and keeps its content immutable', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const freightYaml = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata:
  namespace: demo
origin: { kind: Warehouse, name: app }
images:
  - repoURL: registry.example.com/app
    tag: 1.2.3
    digest: sha256:${'a'.repeat(64)}
`;
    const created = await apply(server, 'post', freightYaml);
    expect(created.status).toBe(201);
    const freight = created.body.results[0].createdResourceManifest;
    expect(freight.metadata.name).toMatch(/^[0-9a-f]{40}$/);
    expect(freight.alias).toMatch(/^[a-z]+-[a-z]+$/);
    expect(freight.metadata.labels['kargo.akuity.io/alias']).toBe(
      freight.alias,
    );
    expect(freight.images[0].tag).toBe('1.2.3');

    const byAlias = await request(server).get(
      `/api/kargo/v1beta1/projects/demo/freight/${freight.alias}`,
    );
    expect(byAlias.body.metadata.name).toBe(freight.metadata.name);

    const changed = await apply(
      server,
      'put',
      freightYaml
        .replace('tag: 1.2.3', 'tag: 1.2.4')
        .replace(
          'namespace: demo',
          `namespace: demo\n  name: ${freight.metadata.name}`,
        ),
    );
    expect(changed.status).toBe(400);
    expect(changed.body.error.message).toContain(
      'images: Freight content is immutable',
    );

    const renamed = await apply(
      server,
      'put',
      `${freightYaml.replace(
        'namespace: demo',
        `namespace: demo\n  name: ${freight.metadata.name}`,
      )}alias: release-candidate\n`,
    );
    expect(renamed.status).toBe(200);
    const byNewAlias = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/freight/release-candidate',
    );
    expect(byNewAlias.body.metadata.name).toBe(freight.metadata.name);
  });

  it('renames Freight through PATCH …/alias, keeping aliases unique per project', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const two = [1, 2]
      .map(
        n => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f${n} }
alias: alias-${n}
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.${n}", digest: "sha256:${String(
          n,
        ).repeat(64)}" }]
`,
      )
      .join('---');
    expect((await apply(server, 'post', two)).status).toBe(201);

    const renamed = await request(server)
      .patch('/api/kargo/v1beta1/projects/demo/freight/alias-1/alias')
      .send({ newAlias: 'release-candidate' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      alias: 'release-candidate',
      metadata: {
        name: 'f1',
        labels: { 'kargo.akuity.io/alias': 'release-candidate' },
      },
    });
    const taken = await request(server)
      .patch('/api/kargo/v1beta1/projects/demo/freight/f2/alias')
      .send({ newAlias: 'release-candidate' });
    expect(taken.status).toBe(409);
    const missing = await request(server)
      .patch('/api/kargo/v1beta1/projects/demo/freight/f2/alias')
      .send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('newAlias: required');
    expect(
      (
        await request(server).get(
          '/api/kargo/v1beta1/projects/demo/freight/alias-2',
        )
      ).body.metadata.name,
    ).toBe('f2');
  });

  it('pages Freight newest first by discoveredAt with continue tokens, and filters by origin and stage', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const docs = [3, 1, 4, 5, 2].map(
      n => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f${n} }
origin: { kind: Warehouse, name: app }
discoveredAt: "2026-01-0${n}T00:00:00Z"
images: [{ repoURL: registry.example.com/app, tag: "1.0.${n}", digest: "sha256:${String(
        n,
      ).repeat(64)}" }]
`,
    );
    expect((await apply(server, 'put', docs.join('---'))).status).toBe(200);

    const names: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await request(server)
        .get('/api/kargo/v1beta1/projects/demo/freight')
        .query({ limit: 2, ...(token ? { continue: token } : {}) });
      expect(page.status).toBe(200);
      names.push(...page.body.items.map((f: any) => f.metadata.name));
      token = page.body.metadata.continue;
      if (!token) break;
    }
    expect(names).toEqual(['f5', 'f4', 'f3', 'f2', 'f1']);

    const none = await request(server)
      .get('/api/kargo/v1beta1/projects/demo/freight')
      .query({ origins: 'other' });
    expect(none.body.items).toEqual([]);
    const forDev = await request(server)
      .get('/api/kargo/v1beta1/projects/demo/freight')
      .query({ stage: 'dev', limit: 3 });
    expect(forDev.body.items.map((f: any) => f.metadata.name)).toEqual([
      'f5',
      'f4',
      'f3',
    ]);
    const forProd = await request(server)
      .get('/api/kargo/v1beta1/projects/demo/freight')
      .query({ stage: 'prod' });
    expect(forProd.body.items).toEqual([]); // nothing verified in dev yet

    const badLimit = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/freight?limit=0',
    );
    expect(badLimit.status).toBe(400);
    const badToken = await request(server).get(
      '/api/kargo/v1beta1/projects/demo/freight?continue=garbage',
    );
    expect(badToken.status).toBe(400);
  });

  it('refuses to delete what others refer to, and deletes a project with everything in it', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const refused = await request(server).delete(
      '/api/kargo/v1beta1/projects/demo/stages/dev',
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('referred to by Stage "prod"');

    const both = await apply(
      server,
      'delete',
      PIPELINE.split('---').slice(2).join('---'),
    );
    expect(both.status).toBe(200);
    expect(both.body.results).toHaveLength(2);

    const gone = await request(server).delete(
      '/api/kargo/v1beta1/projects/demo',
    );
    expect(gone.status).toBe(200);
    expect(
      (await request(server).get('/api/kargo/v1beta1/projects/demo/warehouses'))
        .status,
    ).toBe(404);
    expect(
      (await request(server).delete('/api/kargo/v1beta1/projects/demo')).status,
    ).toBe(404);
  });

  it('answers the entity pipeline in one round trip, with an error entry for a missing project', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const response = await request(server).get(
      '/api/kargo/v1beta1/entity/component/default/guestbook/pipeline',
    );
    expect(response.status).toBe(200);
    expect(response.body.entityRef).toBe('component:default/guestbook');
    const [demo, missing] = response.body.projects;
    expect(demo.name).toBe('demo');
    expect(demo.stages.map((s: any) => s.metadata.name)).toEqual([
      'dev',
      'prod',
    ]); // pipeline order
    expect(demo.warehouses.map((w: any) => w.metadata.name)).toEqual(['app']);
    expect(missing).toMatchObject({
      name: 'missing',
      error: { name: 'NotFoundError', message: 'Project "missing" not found' },
    });

    const plainEntity = await request(server).get(
      '/api/kargo/v1beta1/entity/component/default/plain/pipeline',
    );
    expect(plainEntity.status).toBe(400);
    const unknown = await request(server).get(
      '/api/kargo/v1beta1/entity/component/default/nope/pipeline',
    );
    expect(unknown.status).toBe(404);
  });

  it('answers only the Stages an entity names, with their own recent Promotions', async () => {
    const server = await startServer();
    await apply(server, 'post', PIPELINE);
    const freight = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: f1, namespace: demo }
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.0.0", digest: "sha256:${'c'.repeat(
      64,
    )}" }]
`;
    const promotion = (name: string, stage: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Promotion
metadata: { name: ${name}, namespace: demo }
spec: { stage: ${stage}, freight: f1 }
`;
    // Promotions are admitted only for available Freight: let prod take it
    // straight from the Warehouse here.
    const prodDirect = PIPELINE.split('---')
      .find(d => /name: prod/.test(d))!
      .replace('sources: { stages: [dev] }', 'sources: { direct: true }');
    // More dev Promotions than the answer carries, then one for prod.
    const docs = [freight, prodDirect, promotion('prod.1', 'prod')];
    for (let i = 0; i < 120; i++) {
      docs.push(promotion(`dev.${String(i).padStart(3, '0')}`, 'dev'));
    }
    expect((await apply(server, 'put', docs.join('---'))).status).toBe(200);

    const response = await request(server).get(
      '/api/kargo/v1beta1/entity/component/default/prod-only/pipeline',
    );
    expect(response.body.stageFilter).toEqual(['prod']);
    const [demo] = response.body.projects;
    expect(demo.stages.map((s: any) => s.metadata.name)).toEqual(['prod']);
    expect(demo.promotions.map((p: any) => p.metadata.name)).toEqual([
      'prod.1',
    ]);

    const forDev = await request(server)
      .get('/api/kargo/v1beta1/projects/demo/promotions')
      .query({ stage: 'dev', limit: 1000 });
    expect(forDev.body.items).toHaveLength(120);
  });

  it('audits every write with who asked, what changed and whether it worked', async () => {
    const server = await startServer(permission =>
      permission === 'kargo.resource.manage'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    expect((await apply(server, 'post', PIPELINE)).status).toBe(403);
    expect(auditEvents).toHaveLength(1);
    expect(auditEvents[0]).toMatchObject({
      options: {
        eventId: 'resource-change',
        severityLevel: 'medium',
        meta: { action: 'create' },
      },
      outcome: 'fail',
    });
    expect(auditEvents[0].options.request).toBeDefined(); // the auditor reads the caller from it
    expect(auditEvents[0].error?.name).toBe('NotAllowedError');
    expect(
      (await request(server).get('/api/kargo/v1beta1/projects')).status,
    ).toBe(200);
    expect(auditEvents).toHaveLength(1); // reads are not audited

    const allowed = await startServer();
    expect((await apply(allowed, 'post', PIPELINE)).status).toBe(201);
    expect(auditEvents[0]).toMatchObject({
      outcome: 'success',
      meta: {
        resources: [
          'created Project demo',
          'created Warehouse demo/app',
          'created Stage demo/dev',
          'created Stage demo/prod',
        ],
      },
    });
    expect(
      (
        await request(allowed).delete(
          '/api/kargo/v1beta1/projects/demo/stages/dev',
        )
      ).status,
    ).toBe(409);
    expect(auditEvents[1]).toMatchObject({
      options: { meta: { action: 'delete' } },
      outcome: 'fail',
    });
  });

  it('refreshes a Warehouse with its own permission, audited', async () => {
    const denied = await startServer(permission =>
      permission === 'kargo.warehouse.refresh'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    await apply(denied, 'post', PIPELINE);
    expect(
      (
        await request(denied).post(
          '/api/kargo/v1beta1/projects/demo/warehouses/app/refresh',
        )
      ).status,
    ).toBe(403);

    const allowed = await startServer();
    await apply(allowed, 'post', PIPELINE);
    const refreshed = await request(allowed).post(
      '/api/kargo/v1beta1/projects/demo/warehouses/app/refresh',
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
      kind: 'Warehouse',
      metadata: { name: 'app' },
    });
    expect(auditEvents.at(-1)).toMatchObject({
      options: {
        eventId: 'warehouse-refresh',
        meta: { project: 'demo', warehouse: 'app' },
      },
      outcome: 'success',
    });
    expect(
      (
        await request(allowed).post(
          '/api/kargo/v1beta1/projects/demo/warehouses/nope/refresh',
        )
      ).status,
    ).toBe(404);
  });

  it('checks read and manage permissions on every route', async () => {
    const readOnly = await startServer(permission =>
      permission === 'kargo.project.read'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    const denied = await apply(readOnly, 'post', PIPELINE);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('kargo.resource.manage');
    expect(
      (await request(readOnly).get('/api/kargo/v1beta1/projects')).status,
    ).toBe(200);

    const nothing = await startServer(() => AuthorizeResult.DENY);
    expect(
      (await request(nothing).get('/api/kargo/v1beta1/projects')).status,
    ).toBe(403);
    expect(
      (
        await request(nothing).get(
          '/api/kargo/v1beta1/entity/component/default/guestbook/pipeline',
        )
      ).status,
    ).toBe(403);

    const anonymous = await request(readOnly)
      .get('/api/kargo/v1beta1/projects')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    expect((await request(nothing).get('/api/kargo/health')).status).toBe(200);
  });
});
