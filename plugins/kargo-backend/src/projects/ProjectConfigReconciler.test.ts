import { mockServices } from '@backstage/backend-test-utils';
import { parseManifests } from '@kargo-backstage/plugin-kargo-common';
import { createHash } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseKargoStore, KargoStore } from '../database';
import { ManifestApplier } from '../manifests';
import { ConfigSecretsProvider } from '../secrets';
import { WebhookReceivers } from '../webhooks';
import { ProjectConfigReconciler } from './ProjectConfigReconciler';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'ProjectConfigReconciler on %s',
  id => {
    let store: KargoStore;

    beforeEach(async () => {
      const knex = await databases.init(id);
      store = await DatabaseKargoStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      await new ManifestApplier(store).apply(
        parseManifests(`
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: { name: demo }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: { name: demo, namespace: demo }
spec:
  webhookReceivers:
    - name: gh
      github: { secretRef: { name: gh-secret } }
    - name: lab
      gitlab: { secretRef: { name: missing } }
`),
        'create',
      );
    });

    it("publishes the receivers' URLs, and says which ones lack a secret", async () => {
      const receivers = new WebhookReceivers({
        store,
        secrets: new ConfigSecretsProvider([
          { name: 'gh-secret', project: 'demo', data: { secret: 'shh' } },
        ]),
        refresh: async () => true,
        baseUrl: 'https://portal.example.com/api/kargo',
        logger: mockServices.logger.mock(),
      });
      await new ProjectConfigReconciler(
        store,
        receivers,
        mockServices.logger.mock(),
      ).reconcileAll();

      const config = await store.getResource({
        kind: 'ProjectConfig',
        project: 'demo',
        name: 'demo',
      });
      // Kargo's path: /<type>/sha256(project + receiver name + secret).
      const hash = createHash('sha256').update('demoghshh').digest('hex');
      expect(config!.status.webhookReceivers).toEqual([
        {
          name: 'gh',
          path: `/github/${hash}`,
          url: `https://portal.example.com/api/kargo/webhooks/github/${hash}`,
        },
      ]);
      expect(config!.status.conditions).toEqual([
        expect.objectContaining({
          type: 'Ready',
          status: 'False',
          message: expect.stringContaining('missing'),
        }),
      ]);

      // Nothing changed: nothing written.
      const version = config!.resourceVersion;
      await new ProjectConfigReconciler(
        store,
        receivers,
        mockServices.logger.mock(),
      ).reconcileAll();
      expect(
        (await store.getResource({
          kind: 'ProjectConfig',
          project: 'demo',
          name: 'demo',
        }))!.resourceVersion,
      ).toBe(version);
    });
  },
);
