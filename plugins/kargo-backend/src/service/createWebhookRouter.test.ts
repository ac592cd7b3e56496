import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import kargoPlugin from '../index';

const PIPELINE = `
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
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: app, namespace: demo }
spec:
  subscriptions:
    - git: { repoURL: 'https://github.com/acme/app.git', branch: main }
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: { name: other, namespace: demo }
spec:
  subscriptions:
    - git: { repoURL: 'https://github.com/acme/other.git', branch: main }
`;

describe('webhook routes of the running plugin', () => {
  it('accept a signed GitHub push without a Backstage token and refresh the matching Warehouse only', async () => {
    const { server } = await startTestBackend({
      features: [
        kargoPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            kargo: {
              secrets: [
                { name: 'gh-secret', project: 'demo', data: { secret: 'shh' } },
              ],
              warehouses: { minReconciliationInterval: '1h' },
            },
          },
        }),
      ],
    });
    expect(
      (
        await request(server)
          .post('/api/kargo/v1beta1/resources')
          .set('Content-Type', 'application/yaml')
          .send(PIPELINE)
      ).status,
    ).toBe(201);

    const path = `/api/kargo/webhooks/github/${createHash('sha256')
      .update('demoghshh')
      .digest('hex')}`;
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: {
        clone_url: 'https://github.com/acme/app.git',
        html_url: 'https://github.com/acme/app',
      },
      commits: [],
    });
    const sign = (secret: string) =>
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const send = (signature: string) =>
      request(server)
        .post(path)
        .set('Authorization', mockCredentials.none.header())
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'push')
        .set('X-Hub-Signature-256', signature)
        .send(body);

    const accepted = await send(sign('shh'));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ msg: 'refreshed 1 warehouse(s)' });
    expect((await send(sign('wrong'))).status).toBe(401);

    // Every other route still needs a Backstage token.
    expect(
      (
        await request(server)
          .get('/api/kargo/v1beta1/projects')
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
  });
});
