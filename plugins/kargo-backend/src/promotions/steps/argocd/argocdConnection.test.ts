import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { tmpdir } from 'node:os';
import { kustomizeApp } from '../../../argocd/__testUtils__/applications';
import {
  ARGOCD_TOKEN,
  argocdConfig,
  connectorFor,
  startFakeArgoCD,
  storeWith,
} from '../../../argocd/__testUtils__/argocdTestSetup';
import type { FakeKubernetesApi } from '../../../argocd/__testUtils__/fakeKubernetesApi';
import {
  selfSignedCert,
  selfSignedKey,
} from '../http/__testUtils__/selfSignedCertificate';
import { createStepContext } from '../__testUtils__/stepContext';
import { createArgoCDSteps } from '.';

const config = { apps: [{ name: 'kargo-demo-dev' }] };

/** Runs one of the steps with this `kargo.argocd` config and Stage shard. */
async function runStep(
  name: 'argocd-update' | 'argocd-wait',
  argocd: object,
  shard?: string,
) {
  const steps = createArgoCDSteps({
    connector: connectorFor(argocd as any),
    store: storeWith({ shard }),
  });
  const step = steps.find(s => s.name === name)!;
  return step.run(createStepContext(tmpdir(), config));
}

describe('Argo CD connection settings, against a fake Kubernetes API', () => {
  let api: FakeKubernetesApi;

  beforeEach(async () => {
    ({ api } = await startFakeArgoCD());
    api.put(kustomizeApp());
  });
  afterEach(() => api.stop());

  it.each(['argocd-update', 'argocd-wait'] as const)(
    '%s: a token the API server refuses is a terminal error naming the config key',
    async name => {
      const error = await runStep(
        name,
        argocdConfig(api, { token: 'expired' }),
      ).catch(e => e);
      expect(error).toBeInstanceOf(TerminalStepError);
      expect(error.message).toBe(
        `the Kubernetes API server of Argo CD at ${api.url} (shard "") refused Kargo's credentials (401 Unauthorized): check kargo.argocd.instances[0].token`,
      );
      expect(api.requests.every(r => !r.authorized)).toBe(true);
    },
  );

  it('sends the token as a bearer token', async () => {
    await runStep('argocd-update', argocdConfig(api));
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every(r => r.authorized)).toBe(true);
  });

  it('refuses a Stage whose shard has no Argo CD instance, before any request', async () => {
    const error = await runStep('argocd-update', argocdConfig(api), 'eu').catch(
      e => e,
    );
    expect(error).toBeInstanceOf(TerminalStepError);
    expect(error.message).toBe(
      'no Argo CD instance is configured for shard "eu": add one to kargo.argocd.instances with shard: "eu" (configured shards: "")',
    );
    expect(api.requests).toEqual([]);
  });

  it("uses the instance of the Stage's shard", async () => {
    const { api: eu } = await startFakeArgoCD();
    try {
      eu.put(kustomizeApp());
      const result = await runStep(
        'argocd-update',
        {
          instances: [
            { url: api.url, token: ARGOCD_TOKEN, skipTLSVerify: true },
            {
              shard: 'eu',
              url: eu.url,
              token: ARGOCD_TOKEN,
              skipTLSVerify: true,
              namespace: 'argocd',
            },
          ],
        },
        'eu',
      );
      expect(result.status).toBe('Running');
      expect(eu.requests.some(r => r.method === 'PUT')).toBe(true);
      expect(api.requests).toEqual([]);
    } finally {
      await eu.stop();
    }
  });

  it.each([
    [
      {},
      'Argo CD integration is disabled: no Argo CD instance is configured (kargo.argocd.instances)',
    ],
    [
      {
        integrationEnabled: false,
        instances: [{ url: 'https://127.0.0.1:1' }],
      },
      'Argo CD integration is disabled (kargo.argocd.integrationEnabled: false)',
    ],
  ])('says so when the integration is off (%j)', async (argocd, message) => {
    await expect(runStep('argocd-update', argocd)).rejects.toThrow(message);
  });

  it('reports an API server it cannot reach', async () => {
    const url = api.url;
    await api.stop();
    await expect(runStep('argocd-wait', argocdConfig(api))).rejects.toThrow(
      `cannot reach the Kubernetes API server of Argo CD at ${url} (shard "")`,
    );
  });
});

describe('Argo CD over HTTPS, against a fake Kubernetes API with a self-signed certificate', () => {
  let api: FakeKubernetesApi;

  beforeEach(async () => {
    ({ api } = await startFakeArgoCD({
      tls: { key: selfSignedKey, cert: selfSignedCert },
    }));
    api.put(kustomizeApp());
  });
  afterEach(() => api.stop());

  it('trusts the certificate authority given as caData', async () => {
    const caData = Buffer.from(selfSignedCert.trim()).toString('base64');
    const result = await runStep('argocd-wait', {
      instances: [{ url: api.url, token: ARGOCD_TOKEN, caData }],
    });
    expect(result.status).toBe('Succeeded');
  });

  it('refuses the certificate without caData or skipTLSVerify', async () => {
    await expect(
      runStep('argocd-wait', {
        instances: [{ url: api.url, token: ARGOCD_TOKEN }],
      }),
    ).rejects.toThrow(/cannot reach .*self[- ]signed certificate/);
    expect(api.requests).toEqual([]);
  });
});
