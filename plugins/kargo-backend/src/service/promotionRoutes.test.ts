import { createBackendModule } from '@backstage/backend-plugin-api';
import { kargoPromotionStepsExtensionPoint } from '@kargo-backstage/plugin-kargo-node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startKargoBackend } from './__testUtils__/startKargoBackend';

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
      return startKargoBackend({
        knex: await databases.init(databaseId),
        manifests: MANIFESTS,
        deny,
        modules: [greetingModule],
      });
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

    const applyPromotion = (server: any, yaml: string) =>
      request(server)
        .put('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(yaml);
    const promotionManifest = (name: string, extra = '') => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Promotion
metadata:
  name: ${name}
  namespace: demo
  annotations: { kargo.akuity.io/create-actor: "user:default/someone-else" }
spec: { stage: dev, freight: f1 }
${extra}`;

    it('admits, queues and runs a Promotion applied as a manifest, as Kargo does for kubectl apply', async () => {
      const { server } = await startServer();
      const applied = await applyPromotion(
        server,
        promotionManifest('by-yaml'),
      );
      expect(applied.status).toBe(200);
      const created = applied.body.results[0].createdResourceManifest;
      expect(created).toMatchObject({
        metadata: {
          name: 'by-yaml',
          // The caller, not what the manifest claims.
          annotations: { 'kargo.akuity.io/create-actor': 'user:default/mock' },
        },
        // Steps come from the Stage's template, as with the promote endpoint.
        spec: { stage: 'dev', freight: 'f1', steps: [{ uses: 'say-hello' }] },
      });
      const done = await waitForPhase(server, 'by-yaml');
      expect(done.status.phase).toBe('Succeeded');
      const steps = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/promotions/by-yaml/steps',
      );
      expect(steps.body.items[0].output).toEqual({
        greeting: 'hello dev with 1.2.3',
      });
      // Re-applying the same manifest changes nothing and runs nothing again.
      expect(
        (await applyPromotion(server, promotionManifest('by-yaml'))).status,
      ).toBe(200);
    });

    it('refuses a Promotion manifest whose Freight is not available, naming the document and field, and writes nothing of the batch', async () => {
      const { server } = await startServer();
      const otherFreight = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: other, namespace: demo }
spec:
  subscriptions: [{ image: { repoURL: registry.example.com/other } }]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: demo, name: f-other }
origin: { kind: Warehouse, name: other }
images: [{ repoURL: registry.example.com/other, tag: "9.9.9", digest: "sha256:${'d'.repeat(
        64,
      )}" }]
---
${promotionManifest('wrong-origin').replace(
  'freight: f1',
  'freight: f-other',
)}`;
      const refused = await applyPromotion(server, otherFreight);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(
        'document 3 (Promotion demo/wrong-origin): spec.freight: Stage "dev" does not request Freight from Warehouse "other"',
      );
      const other = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/warehouses/other',
      );
      expect(other.status).toBe(404);
    });

    it('needs the promote permission to apply a Promotion manifest', async () => {
      const { server, audits } = await startServer(['kargo.stage.promote']);
      const refused = await applyPromotion(server, promotionManifest('nope'));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/kargo\.stage\.promote/);
      expect(audits).toContainEqual({
        eventId: 'resource-change',
        outcome: 'fail',
      });
      const stored = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/promotions/nope',
      );
      expect(stored.status).toBe(404);
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
      // Denials switched on once a Promotion exists (the list is read per call).
      const deny: string[] = [];
      const { server, audits } = await startServer(deny);
      const created = await request(server)
        .post('/api/kargo/v1beta1/projects/demo/stages/dev/promotions')
        .send({ freight: 'f1' });
      expect(created.status).toBe(201);
      deny.push('kargo.stage.promote', 'kargo.promotion.abort');

      const refused = await request(server)
        .post('/api/kargo/v1beta1/projects/demo/stages/dev/promotions')
        .send({ freight: 'f1' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        'You are not allowed to do this to Stage "demo:dev" (kargo.stage.promote)',
      );
      const abort = await request(server).post(
        `/api/kargo/v1beta1/projects/demo/promotions/${created.body.metadata.name}/abort`,
      );
      expect(abort.status).toBe(403);
      expect(abort.body.error.message).toMatch(/kargo\.promotion\.abort/);
      expect(audits.slice(-2)).toEqual([
        { eventId: 'promotion-create', outcome: 'fail' },
        { eventId: 'promotion-abort', outcome: 'fail' },
      ]);
      // An unknown Promotion is not found (the caller may read the project).
      const unknown = await request(server).post(
        '/api/kargo/v1beta1/projects/demo/promotions/nope/abort',
      );
      expect(unknown.status).toBe(404);
      const list = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/promotions',
      );
      expect(list.body.items.map((p: any) => p.metadata.name)).toEqual([
        created.body.metadata.name,
      ]);
    });
  },
);
