import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  eventually,
  testStepsModule,
} from '../service/__testUtils__/routeTestKit';
import { startKargoBackend } from '../service/__testUtils__/startKargoBackend';
import {
  freightYaml,
  invokeAs,
  PIPELINE_YAML,
} from './__testUtils__/actionTestKit';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Released by the test: a Promotion of `slow` runs until then. */
let release: () => void = () => {};

const stepsModule = testStepsModule({
  name: 'hold',
  run: () =>
    new Promise(resolve => {
      release = () => resolve({ status: 'Succeeded' });
    }),
});

/** The demo pipeline, a `slow` Stage that holds its Promotions, and f2. */
const MANIFESTS = `${PIPELINE_YAML}---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: slow, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate: { spec: { steps: [{ uses: hold }] } }
---${freightYaml('f2', '2.0.0')}---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: other }
`;

describe.each(databases.eachSupportedId())(
  'list-kargo-pipelines action on %s',
  databaseId => {
    const api = '/api/kargo/v1beta1/projects/demo';

    async function start(deny: string[] = []) {
      return startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: MANIFESTS,
        deny,
        modules: [stepsModule],
      });
    }

    afterEach(() => release());

    it('lists each project with its Stages, their Freight, health and unfinished Promotions', async () => {
      const { server, actions, asked } = await start();
      const promote = (stage: string, freight: string) =>
        request(server)
          .post(`${api}/stages/${stage}/promotions`)
          .send({ freight });
      const done = await promote('dev', 'f1');
      expect(done.status).toBe(201);
      await eventually(
        server,
        api,
        `/promotions/${done.body.metadata.name}`,
        p => p.status?.phase === 'Succeeded',
      );
      const held = await promote('slow', 'f2');
      await eventually(
        server,
        api,
        `/promotions/${held.body.metadata.name}`,
        p => p.status?.phase === 'Running',
      );

      asked.length = 0;
      const { projects } = await invokeAs(
        actions,
        'alice',
        'list-kargo-pipelines',
        {},
      );
      expect(asked).toEqual(['kargo.project.read']);
      expect(projects.map((p: any) => p.name)).toEqual(['demo', 'other']);
      const [demo, other] = projects;
      expect(other.stages).toEqual([]);
      // Pipeline order: dev before prod (which takes what passed dev).
      expect(demo.stages.map((s: any) => s.name)).toEqual([
        'dev',
        'slow',
        'prod',
      ]);
      const [dev, slow, prod] = demo.stages;
      expect(dev).toMatchObject({
        name: 'dev',
        freight: [
          {
            name: 'f1',
            alias: 'f1-alias',
            origin: 'app',
            artifacts: ['registry.example.com/app:1.0.0'],
          },
        ],
      });
      expect(typeof dev.health).toBe('string');
      expect(dev.promotion).toBeUndefined();
      expect(slow).toMatchObject({
        freight: [],
        promotion: {
          name: held.body.metadata.name,
          phase: 'Running',
          freight: 'f2',
        },
      });
      expect(prod).toMatchObject({ name: 'prod', freight: [] });
      expect(prod.promotion).toBeUndefined();

      const only = await invokeAs(actions, 'alice', 'list-kargo-pipelines', {
        project: 'other',
      });
      expect(only).toEqual({ projects: [{ name: 'other', stages: [] }] });
      await expect(
        invokeAs(actions, 'alice', 'list-kargo-pipelines', {
          project: 'nope',
        }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'Project "nope" not found',
      });
    });

    it('registers the Kargo actions with their attributes and JSON schemas', async () => {
      const { actions } = await start();
      const { actions: listed } = await actions.list();
      expect(
        Object.fromEntries(listed.map(a => [a.name, a.attributes])),
      ).toEqual({
        'list-kargo-pipelines': {
          readOnly: true,
          destructive: false,
          idempotent: true,
        },
        'promote-freight': {
          readOnly: false,
          destructive: true,
          idempotent: false,
        },
        'approve-freight': {
          readOnly: false,
          destructive: true,
          idempotent: true,
        },
        'approve-promotion': {
          readOnly: false,
          destructive: true,
          idempotent: false,
        },
      });
      const promote = listed.find(a => a.name === 'promote-freight')!;
      expect(promote.schema.input).toMatchObject({
        required: ['project', 'stage', 'freight'],
      });
    });

    it('shows no project to a caller who may not read them', async () => {
      const { actions } = await start(['kargo.project.read']);
      for (const input of [{}, { project: 'demo' }]) {
        expect(
          await invokeAs(actions, 'alice', 'list-kargo-pipelines', input),
        ).toEqual({ projects: [] });
      }
    });
  },
);
