import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { createBuiltinHealthCheckers } from '../../../argocd';
import type { Application } from '../../../argocd/application';
import { kustomizeApp } from '../../../argocd/__testUtils__/applications';
import {
  argocdConfig,
  startFakeArgoCD,
} from '../../../argocd/__testUtils__/argocdTestSetup';
import type { FakeArgoCDController } from '../../../argocd/__testUtils__/fakeArgoCDController';
import type { FakeKubernetesApi } from '../../../argocd/__testUtils__/fakeKubernetesApi';
import { createTestDatabases } from '../../../__testUtils__/testDatabases';
import { createEngineHarness } from '../../__testUtils__/engineHarness';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ACTOR = 'user:default/ann';
const COMMIT = '9a8b7c6d5e4f30211203948576a6b5c4d3e2f1a0';

const pipeline = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: kargo-demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: guestbook, namespace: kargo-demo }
spec:
  subscriptions:
    - image: { repoURL: ghcr.io/example/guestbook }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: { namespace: kargo-demo, name: f-1-2-3 }
alias: v-1-2-3
origin: { kind: Warehouse, name: guestbook }
images:
  - repoURL: ghcr.io/example/guestbook
    tag: "v1.2.3"
    digest: sha256:${'b'.repeat(64)}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: { name: dev, namespace: kargo-demo }
spec:
  requestedFreight:
    - origin: { kind: Warehouse, name: guestbook }
      sources: { direct: true }
  promotionTemplate:
    spec:
      steps:
        - uses: argocd-update
          as: deploy
          config:
            apps:
              - name: kargo-demo-dev
                sources:
                  - repoURL: https://github.com/example/kargo-demo-gitops.git
                    desiredRevision: ${COMMIT}
                    updateTargetRevision: true
                    kustomize:
                      images:
                        - repoURL: ghcr.io/example/guestbook
                          tag: \${{ imageFrom('ghcr.io/example/guestbook').Tag }}
`;

describe.each(databases.eachSupportedId())(
  'promoting into a Stage ending with argocd-update, against a fake Kubernetes API (%s)',
  id => {
    let knex: Knex;
    let api: FakeKubernetesApi;
    let controller: FakeArgoCDController;
    let harness: Awaited<ReturnType<typeof createEngineHarness>>;

    beforeEach(async () => {
      knex = await databases.init(id);
      ({ api, controller } = await startFakeArgoCD());
      api.put(kustomizeApp());
      // Argo CD's controller reacts to the step's write by itself.
      controller.runAutomatically();
      harness = await createEngineHarness(knex, {
        config: { argocd: argocdConfig(api) },
      });
      await harness.apply(pipeline);
    });
    afterEach(async () => {
      await harness?.close();
      await api?.stop();
    });

    const promote = async () => {
      const created = await harness.service.create(
        'kargo-demo',
        'dev',
        { freight: 'f-1-2-3' },
        ACTOR,
      );
      await harness.settle();
      return (await harness.promotion('kargo-demo', created.name))!;
    };

    it('syncs the Application, succeeds once Argo CD did, and records the Stage health check', async () => {
      const done = await promote();
      expect(done.status.message).toBeUndefined();
      expect(done.status.phase).toBe('Succeeded');
      const healthCheck = {
        uses: 'argocd-update',
        config: {
          apps: [
            {
              name: 'kargo-demo-dev',
              namespace: 'argocd',
              desiredRevisions: [COMMIT],
            },
          ],
        },
      };
      expect(done.status.healthChecks).toEqual([healthCheck]);
      expect((done.status.state as JsonObject).deploy).toEqual({
        apps: [{ name: 'kargo-demo-dev', namespace: 'argocd' }],
      });

      const app = api.get<Application>(
        'Application',
        'argocd',
        'kargo-demo-dev',
      )!;
      expect(app.spec.source!.kustomize!.images).toEqual([
        'ghcr.io/example/guestbook:v1.2.3',
      ]);
      expect(app.status!.operationState).toMatchObject({
        phase: 'Succeeded',
        operation: { initiatedBy: { username: ACTOR } },
        syncResult: { revision: COMMIT },
      });

      // What the Stage's health loop will do with the recorded check.
      const [checker] = createBuiltinHealthCheckers({
        config: new ConfigReader({ kargo: { argocd: argocdConfig(api) } }),
      });
      const health = await checker.check({
        project: 'kargo-demo',
        stage: 'dev',
        config: healthCheck.config,
        signal: new AbortController().signal,
      });
      expect(health.status).toBe('Healthy');
    });

    it("ends Errored with Argo CD's message when the sync fails, recording no health check", async () => {
      controller.behave('argocd', 'kargo-demo-dev', {
        outcome: 'Failed',
        message: 'ComparisonError: failed to load target state',
      });
      const done = await promote();
      expect(done.status.phase).toBe('Errored');
      expect(done.status.message).toContain(
        'Argo CD Application "kargo-demo-dev" in namespace "argocd" failed with: ComparisonError: failed to load target state',
      );
      expect(done.status.healthChecks).toBeUndefined();
    });
  },
);
