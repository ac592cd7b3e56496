import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import kargoPlugin from '../index';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

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
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: smoke, namespace: demo }
spec:
  metrics:
    - name: health
      provider: { web: { url: 'http://app.demo/health' } }
---
apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata: { name: error-rate }
spec:
  metrics:
    - name: errors
      provider: { prometheus: { address: 'http://prometheus:9090', query: up } }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: dev, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  verification:
    analysisTemplates:
      - name: smoke
      - { name: error-rate, kind: ClusterAnalysisTemplate }
`;

describe.each(databases.eachSupportedId())(
  'AnalysisTemplate routes on %s',
  databaseId => {
    async function startServer() {
      const knex = await databases.init(databaseId);
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
      });
      const { server } = await startTestBackend({
        features: [
          kargoPlugin,
          mockServices.database.factory({ knex }),
          permissions.factory,
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      return server;
    }

    const apply = (server: any, method: 'post' | 'put', body: string) =>
      request(server)
        [method]('/api/kargo/v1beta1/resources')
        .set('Content-Type', 'application/yaml')
        .send(body);

    it('applies, lists, gets and deletes (Cluster)AnalysisTemplates as Kargo answers them', async () => {
      const server = await startServer();
      expect((await apply(server, 'post', MANIFESTS)).status).toBe(201);

      const list = await request(server).get(
        '/api/kargo/v1beta1/projects/demo/analysis-templates',
      );
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplateList',
        items: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'AnalysisTemplate',
            metadata: { name: 'smoke', namespace: 'demo' },
          },
        ],
      });
      const one = await request(server).get(
        '/api/kargo/v1beta1/cluster-analysis-templates/error-rate',
      );
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ClusterAnalysisTemplate',
        metadata: { name: 'error-rate' },
        spec: { metrics: [{ name: 'errors' }] },
      });
      expect(one.body.metadata.namespace).toBeUndefined();
      const clusterList = await request(server).get(
        '/api/kargo/v1beta1/cluster-analysis-templates',
      );
      expect(clusterList.body.items.map((i: any) => i.metadata.name)).toEqual([
        'error-rate',
      ]);

      // In use by the Stage: refused with 409 until the Stage stops using it.
      const refused = await request(server).delete(
        '/api/kargo/v1beta1/cluster-analysis-templates/error-rate',
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe(
        'ClusterAnalysisTemplate "error-rate" is used by Stage "demo/dev"; delete or change them first',
      );
      expect(
        (
          await request(server).delete(
            '/api/kargo/v1beta1/projects/demo/analysis-templates/smoke',
          )
        ).status,
      ).toBe(409);

      await request(server).delete(
        '/api/kargo/v1beta1/projects/demo/stages/dev',
      );
      const deleted = await request(server).delete(
        '/api/kargo/v1beta1/cluster-analysis-templates/error-rate',
      );
      expect(deleted.status).toBe(200);
      expect(deleted.body.kind).toBe('ClusterAnalysisTemplate');
      expect(
        (
          await request(server).get(
            '/api/kargo/v1beta1/cluster-analysis-templates/error-rate',
          )
        ).status,
      ).toBe(404);
    });

    it('answers a template the engine cannot run with a 400 naming document and path', async () => {
      const server = await startServer();
      await apply(server, 'post', MANIFESTS.split('---').slice(0, 1).join(''));
      const response = await apply(
        server,
        'put',
        `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: dd, namespace: demo }
spec:
  metrics:
    - name: latency
      provider: { datadog: { query: 'avg:latency{*}' } }
`,
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        'Invalid manifests: document 1 (AnalysisTemplate demo/dd): spec.metrics[0].provider.datadog: the datadog provider is not supported: only web and prometheus metrics run here',
      );
    });
  },
);
