import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PromotionStepRunner,
  kargoArtifactSubscribersExtensionPoint,
  kargoPromotionStepsExtensionPoint,
} from '@kargo-backstage/plugin-kargo-node';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import kargoPlugin from './index';

const step = (name: string): PromotionStepRunner => ({
  name,
  run: async () => ({ status: 'Succeeded' }),
});

const moduleAdding = (moduleId: string, ...steps: PromotionStepRunner[]) =>
  createBackendModule({
    pluginId: 'kargo',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: {
          steps: kargoPromotionStepsExtensionPoint,
          subscribers: kargoArtifactSubscribersExtensionPoint,
        },
        async init(deps) {
          deps.steps.addPromotionSteps(...steps);
          deps.subscribers.addArtifactSubscribers({
            type: `${moduleId}-artifact`,
            discover: async () => [],
          });
        },
      });
    },
  });

describe('kargo backend plugin', () => {
  it('starts with modules contributing steps and subscribers through kargo-node', async () => {
    const logger = mockServices.logger.mock();
    const { server } = await startTestBackend({
      features: [
        kargoPlugin,
        moduleAdding('acme', step('acme-deploy'), step('acme-notify')),
        logger.factory,
        catalogServiceMock.factory(),
      ],
    });
    expect((await request(server).get('/api/kargo/health')).status).toBe(200);
    expect(logger.info).toHaveBeenCalledWith(
      'Kargo extensions from modules: acme-deploy, acme-notify, acme-artifact',
    );
  });

  it('refuses to start when two modules register the same step name', async () => {
    await expect(
      startTestBackend({
        features: [
          kargoPlugin,
          moduleAdding('one', step('deploy')),
          moduleAdding('two', step('deploy')),
          catalogServiceMock.factory(),
        ],
      }),
    ).rejects.toThrow('Promotion step "deploy" is registered twice');
  });

  it('applies kargo.bootstrap.manifests at start-up, and refuses to start on a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-bootstrap-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata:\n  name: seeded\n',
    );
    const { server } = await startTestBackend({
      features: [
        kargoPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { kargo: { bootstrap: { manifests: [good] } } },
        }),
      ],
    });
    const project = await request(server).get(
      '/api/kargo/v1beta1/projects/seeded',
    );
    expect(project.status).toBe(200);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata:\n  name: w\n  namespace: nowhere\nspec:\n  subscriptions: []\n',
    );
    await expect(
      startTestBackend({
        features: [
          kargoPlugin,
          catalogServiceMock.factory(),
          mockServices.rootConfig.factory({
            data: { kargo: { bootstrap: { manifests: [bad] } } },
          }),
        ],
      }),
    ).rejects.toThrow(`kargo.bootstrap.manifests: cannot apply ${bad}`);
  });
});
