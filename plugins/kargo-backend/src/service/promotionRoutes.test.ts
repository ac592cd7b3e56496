import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kargoPromotionStepsExtensionPoint } from '@kargo-backstage/plugin-kargo-node';
import request from 'supertest';
import kargoPlugin from '../index';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A module contributing a step through kargo-node's extension point. */
const greetingModule = createBackendModule({
  pluginId: 'kargo',
  moduleId: 'greeting',
  register(reg) {
    reg.registerInit({
      deps: { steps: kargoPromotionStepsExtensionPoint },
      async init({ steps }) {
        steps.addPromotionSteps({
          name: 'say-hello',
          configSchema: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: { name: { type: 'string' } },
          },
          async run(ctx) {
            ctx.log(`greeting ${ctx.config.name}`);
            return {
              status: 'Succeeded',
              output: { greeting: `hello ${ctx.config.name}` },
            };
          },
        });
      },
    });
  },
});

const MANIFESTS = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions: [{ image: { repoURL: registry.example.com/app } }]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: dev, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: say-hello
          as: hello
          config: { name: "\${{ ctx.stage }} with \${{ imageFrom('registry.example.com/app').Tag }}" }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f1 }
alias: first
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: "1.2.3", digest: "sha256:${'b'.repeat(
  64,
)}" }]
`;

describe.each(databases.eachSupportedId())(
  'promotion routes on %s',
  databaseId => {
    async function startServer(deny: string[] = []) {
      const knex = await databases.init(databaseId);
      const audits: Array<{ eventId: string; outcome?: string }> = [];
      const auditor = mockServices.auditor.mock({
        createEvent: async options => {
          const event: { eventId: string; outcome?: string } = {
            eventId: options.eventId,
          };
          audits.push(event);
          return {
            success: async () => {
              event.outcome = 'success';
            },
            fail: async () => {
              event.outcome = 'fail';
            },
          };
        },
      });
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result: deny.includes(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          })) as any,
      });
      const { server } = await startTestBackend({
        features: [
          kargoPlugin,
          greetingModule,
          mockServices.database.factory({ knex }),
          permissions.factory,
          auditor.factory,
          catalogServiceMock.factory(),
        ],
      });
      const applied = await request(server)
        .post('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(MANIFESTS);
      expect(applied.status).toBe(201);
      return { server, audits };
    }

    const waitForPhase = async (server: any, name: string) => {
      for (let i = 0; i < 200; i++) {
        const res = await request(server).get(
          `/api/kargo/v1beta1/projects/demo/promotions/${name}`,
        );
        if (
          ['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(
            res.body.status?.phase,
          )
        ) {
          return res.body;
        }
        await new Promise(r => setTimeout(r, 50));
      }
      throw new Error(`Promotion ${name} did not finish`);
    };

    it('promotes through the API with a step from a module, and serves step outputs and logs', async () => {
      const { server, audits } = await startServer();
      const created = await request(server)
        .post('/api/kargo/v1beta1/projects/demo/stages/dev/promotions')
        .send({ freightAlias: 'first' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: 'Promotion',
        metadata: {
          namespace: 'demo',
          annotations: { 'kargo.akuity.io/create-actor': 'user:default/mock' },
        },
        spec: { stage: 'dev', freight: 'f1' },
      });
      const done = await waitForPhase(server, created.body.metadata.name);
      expect(done.status.phase).toBe('Succeeded');
      const steps = await request(server).get(
        `/api/kargo/v1beta1/projects/demo/promotions/${created.body.metadata.name}/steps`,
      );
      expect(steps.body.items).toEqual([
        expect.objectContaining({
          alias: 'hello',
          uses: 'say-hello',
          status: 'Succeeded',
          output: { greeting: 'hello dev with 1.2.3' },
          logs: [
            expect.objectContaining({ message: 'greeting dev with 1.2.3' }),
          ],
        }),
      ]);
      expect(audits).toContainEqual({
        eventId: 'promotion-create',
        outcome: 'success',
      });
    });

    it('answers 400 naming the field for bad requests and 404 for unknown Freight', async () => {
      const { server } = await startServer();
      const post = (body: object) =>
        request(server)
          .post('/api/kargo/v1beta1/projects/demo/stages/dev/promotions')
          .send(body);
      const both = await post({ freight: 'f1', freightAlias: 'first' });
      expect(both.status).toBe(400);
      expect(both.body.error.message).toMatch(/exactly one of freight/);
      expect((await post({ freight: 42 })).body.error.message).toBe(
        'freight: must be a string',
      );
      expect((await post({ freight: 'nope' })).status).toBe(404);
      const noStage = await request(server)
        .post('/api/kargo/v1beta1/projects/demo/stages/qa/promotions')
        .send({ freight: 'f1' });
      expect(noStage.status).toBe(404);
    });

    it('needs the promote permission to promote and the abort permission to abort, and audits refusals', async () => {
      const { server, audits } = await startServer([
        'kargo.stage.promote',
        'kargo.promotion.abort',
      ]);
      const refused = await request(server)
        .post('/api/kargo/v1beta1/projects/demo/stages/dev/promotions')
        .send({ freight: 'f1' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/kargo\.stage\.promote/);
      const abort = await request(server).post(
        '/api/kargo/v1beta1/projects/demo/promotions/dev.x.f1/abort',
      );
      expect(abort.status).toBe(403);
      expect(audits).toEqual([
        expect.anything(),
        { eventId: 'promotion-create', outcome: 'fail' },
        { eventId: 'promotion-abort', outcome: 'fail' },
      ]);
      const list = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/promotions',
      );
      expect(list.body.items).toEqual([]);
    });
  },
);
