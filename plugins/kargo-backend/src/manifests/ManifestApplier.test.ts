import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { DatabaseKargoStore, KargoStore } from '../database';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ManifestApplier } from './ManifestApplier';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const BASE = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions:
    - image: { repoURL: registry.example.com/app }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ClusterPromotionTask
metadata: { name: deploy }
spec:
  steps:
    - uses: git-clone
      config: { repoURL: 'https://git.example.com/gitops.git' }
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
        - task: { name: deploy, kind: ClusterPromotionTask }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { name: f1, namespace: demo }
alias: first-one
origin: { kind: Warehouse, name: app }
images: [{ repoURL: registry.example.com/app, tag: '1.0.0', digest: 'sha256:${'b'.repeat(
  64,
)}' }]
`;

describe.each(databases.eachSupportedId())('ManifestApplier on %s', id => {
  let store: KargoStore;
  let applier: ManifestApplier;

  beforeEach(async () => {
    const knex = await databases.init(id);
    store = await DatabaseKargoStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    applier = new ManifestApplier(store);
    await applier.apply(parseManifests(BASE), 'create');
  });

  it('resolves a ClusterPromotionTask reference and refuses a missing one', async () => {
    expect(
      await store.getResource({ kind: 'Stage', project: 'demo', name: 'dev' }),
    ).toBeDefined();
    const missing = BASE.split('---')[3].replace(
      'name: deploy,',
      'name: ship,',
    );
    await expect(
      applier.apply(parseManifests(missing), 'upsert'),
    ).rejects.toThrow(
      'spec.promotionTemplate.spec.steps[0].task.name: ClusterPromotionTask "ship" does not exist',
    );
  });

  it('refuses to delete a ClusterPromotionTask a Stage uses, unless the Stage goes too', async () => {
    const task = {
      kind: 'ClusterPromotionTask' as const,
      project: '',
      name: 'deploy',
    };
    await expect(applier.deleteByKeys([task])).rejects.toThrow(
      'ClusterPromotionTask "deploy" is used by Stage "demo/dev"; delete or change them first',
    );
    await applier.deleteByKeys([
      { kind: 'Project', project: 'demo', name: 'demo' },
      task,
    ]);
    expect(await store.getResource(task)).toBeUndefined();
  });

  it('refuses to delete Freight a Stage is using, and deletes it once unused', async () => {
    const key = { kind: 'Freight' as const, project: 'demo', name: 'f1' };
    await store.updateStatus(key, {
      currentlyIn: { dev: { since: '2026-11-26T00:00:00Z' } },
    });
    const error = await applier.deleteByKeys([key]).catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'Freight "demo/f1" is in use by Stage "dev" and cannot be deleted',
    );
    expect(await store.getResource(key)).toBeDefined();

    await store.updateStatus(key, {});
    const [result] = await applier.deleteByKeys([key]);
    expect(result.deletedResourceManifest?.metadata.name).toBe('f1');
    expect(await store.getResource(key)).toBeUndefined();
  });

  it("ignores status in a request: status is the engine's", async () => {
    const withStatus = `${
      BASE.split('---')[1]
    }status: { lastFreightID: forged }\n`;
    const [result] = await applier.apply(parseManifests(withStatus), 'upsert');
    expect(result.updatedResourceManifest?.status).toEqual({});
  });

  it('deletes a Stage and the Warehouse it uses together, but not the Warehouse alone', async () => {
    const warehouse = {
      kind: 'Warehouse' as const,
      project: 'demo',
      name: 'app',
    };
    await expect(applier.deleteByKeys([warehouse])).rejects.toThrow(
      'Warehouse "demo/app" is referred to by Stage "dev"; delete or change them first',
    );
    await applier.deleteByKeys([
      warehouse,
      { kind: 'Stage', project: 'demo', name: 'dev' },
    ]);
    expect(await store.getResource(warehouse)).toBeUndefined();
  });

  it('names every bad document of a batch in one error', async () => {
    const bad = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: w2, namespace: demo }
spec: { subscriptions: [] }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: s2, namespace: demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: app }
      sources: {}
`;
    const error = await applier
      .apply(parseManifests(bad), 'upsert')
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'document 1 (Warehouse demo/w2): spec.subscriptions',
    );
    expect(error.message).toContain(
      'document 2 (Stage demo/s2): spec.requestedFreight[0].sources: at least one of direct or stages is required',
    );
  });
});
