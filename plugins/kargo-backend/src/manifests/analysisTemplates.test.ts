import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { DatabaseKargoStore, KargoStore } from '../database';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ManifestApplier } from './ManifestApplier';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const TEMPLATES = `
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
  args: [{ name: url }]
  metrics:
    - name: health
      provider: { web: { url: '{{args.url}}', jsonPath: '{$.ok}' } }
      successCondition: result == true
---
apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata: { name: error-rate }
spec:
  metrics:
    - name: errors
      interval: 1m
      count: 3
      provider: { prometheus: { address: 'http://prometheus:9090', query: up } }
`;

const stage = (templates: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: dev, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: { direct: true }
  verification:
    analysisTemplates: ${templates}
    args: [{ name: url, value: 'http://app.demo' }]
`;

const BOTH = stage(
  '[{ name: smoke }, { name: error-rate, kind: ClusterAnalysisTemplate }]',
);

describe.each(databases.eachSupportedId())(
  'AnalysisTemplates through the ManifestApplier on %s',
  id => {
    let store: KargoStore;
    let applier: ManifestApplier;

    beforeEach(async () => {
      const knex = await databases.init(id);
      store = await DatabaseKargoStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      applier = new ManifestApplier(store);
    });

    const error = (promise: Promise<unknown>): Promise<Error> =>
      promise.then(
        () => {
          throw new Error('expected a rejection');
        },
        e => e as Error,
      );

    it('stores both kinds with their apiVersion, and a Stage using them in the same batch', async () => {
      const results = await applier.apply(
        parseManifests(`${TEMPLATES}---${BOTH}`),
        'create',
      );
      expect(
        results.map(r => {
          const m = r.createdResourceManifest!;
          return [m.apiVersion, m.kind, m.metadata.namespace ?? ''];
        }),
      ).toEqual([
        ['kargo.akuity.io/v1alpha1', 'Project', ''],
        ['kargo.akuity.io/v1alpha1', 'Warehouse', 'demo'],
        ['argoproj.io/v1alpha1', 'AnalysisTemplate', 'demo'],
        ['argoproj.io/v1alpha1', 'ClusterAnalysisTemplate', ''],
        ['kargo.akuity.io/v1alpha1', 'Stage', 'demo'],
      ]);
      const stored = await store.getResource({
        kind: 'ClusterAnalysisTemplate',
        project: '',
        name: 'error-rate',
      });
      expect(stored?.spec).toMatchObject({
        metrics: [{ name: 'errors', count: 3, interval: '1m' }],
      });
    });

    it('refuses a Stage whose templates do not exist, like a missing PromotionTask', async () => {
      await applier.apply(parseManifests(TEMPLATES), 'create');
      const missing = await error(
        applier.apply(
          parseManifests(
            stage(
              '[{ name: nope }, { name: smoke, kind: ClusterAnalysisTemplate }]',
            ),
          ),
          'upsert',
        ),
      );
      expect(missing).toBeInstanceOf(InputError);
      expect(missing.message).toBe(
        'Invalid manifests: document 1 (Stage demo/dev): spec.verification.analysisTemplates[0].name: AnalysisTemplate "nope" does not exist in project "demo"; document 1 (Stage demo/dev): spec.verification.analysisTemplates[1].name: ClusterAnalysisTemplate "smoke" does not exist',
      );
      expect(
        await store.getResource({
          kind: 'Stage',
          project: 'demo',
          name: 'dev',
        }),
      ).toBeUndefined();
    });

    it('refuses to delete templates a Stage uses, unless the Stage goes too', async () => {
      await applier.apply(parseManifests(`${TEMPLATES}---${BOTH}`), 'create');
      const local = {
        kind: 'AnalysisTemplate' as const,
        project: 'demo',
        name: 'smoke',
      };
      const cluster = {
        kind: 'ClusterAnalysisTemplate' as const,
        project: '',
        name: 'error-rate',
      };
      const refusedLocal = await error(applier.deleteByKeys([local]));
      expect(refusedLocal).toBeInstanceOf(ConflictError);
      expect(refusedLocal.message).toBe(
        'AnalysisTemplate "demo/smoke" is referred to by Stage "dev"; delete or change them first',
      );
      expect((await error(applier.deleteByKeys([cluster]))).message).toBe(
        'ClusterAnalysisTemplate "error-rate" is used by Stage "demo/dev"; delete or change them first',
      );

      const results = await applier.delete(
        parseManifests(
          `${BOTH}---${TEMPLATES.split('---').slice(2).join('---')}`,
        ),
      );
      expect(results.map(r => r.deletedResourceManifest!.kind)).toEqual([
        'Stage',
        'AnalysisTemplate',
        'ClusterAnalysisTemplate',
      ]);
      expect(await store.getResource(cluster)).toBeUndefined();
    });

    it('names the document and path of a bad template, and of a wrong apiVersion', async () => {
      await applier.apply(parseManifests(TEMPLATES), 'create');
      const bad = await error(
        applier.apply(
          parseManifests(`
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: job, namespace: demo }
spec:
  metrics: [{ name: run, provider: { job: { spec: {} } } }]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: wrong, namespace: demo }
spec: { metrics: [] }
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: nowhere }
spec:
  metrics: [{ name: m, provider: { web: { url: 'http://x' } } }]
`),
          'upsert',
        ),
      );
      expect(bad).toBeInstanceOf(InputError);
      expect(bad.message).toBe(
        'Invalid manifests: document 1 (AnalysisTemplate demo/job): spec.metrics[0].provider.job: the job provider is not supported: only web and prometheus metrics run here; document 2 (AnalysisTemplate demo/wrong): apiVersion: must be argoproj.io/v1alpha1; document 3 (AnalysisTemplate nowhere): metadata.namespace: required: the project this AnalysisTemplate belongs to',
      );
      const wrongDelete = await error(
        applier.delete([
          {
            apiVersion: 'kargo.akuity.io/v1alpha1',
            kind: 'ClusterAnalysisTemplate',
            metadata: { name: 'error-rate' },
          },
        ]),
      );
      expect(wrongDelete.message).toBe(
        'Invalid manifests: document 1 (ClusterAnalysisTemplate error-rate): apiVersion: must be argoproj.io/v1alpha1',
      );
    });
  },
);
