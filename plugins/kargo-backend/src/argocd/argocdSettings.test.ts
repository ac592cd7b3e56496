import { ConfigReader } from '@backstage/config';
import { ArgoCDSettings } from './argocdSettings';

const settings = (argocd?: object) =>
  ArgoCDSettings.fromConfig(
    new ConfigReader(argocd ? { kargo: { argocd } } : {}),
  );

describe('kargo.argocd settings', () => {
  it('defaults: namespace argocd, shard "", enabled when instances exist, 5s polls', () => {
    const s = settings({
      instances: [{ url: 'https://k8s.example.com:6443/' }],
    });
    expect(s.enabled).toBe(true);
    expect(s.pollIntervalMs).toBe(5000);
    expect(s.instanceFor('')).toEqual({
      shard: '',
      url: 'https://k8s.example.com:6443',
      token: undefined,
      caData: undefined,
      skipTLSVerify: false,
      namespace: 'argocd',
      configPath: 'kargo.argocd.instances[0]',
    });
    expect(settings().enabled).toBe(false);
  });

  it.each([
    [
      { instances: [{ url: 'k8s.example.com' }] },
      'kargo.argocd.instances[0].url must be an http(s) URL',
    ],
    [
      { instances: [{ url: 'https://a' }, { url: 'https://b' }] },
      'kargo.argocd.instances: shard "" is configured twice',
    ],
    [
      { pollInterval: '100ms' },
      'kargo.argocd.pollInterval must be a duration of at least 1s',
    ],
  ])('refuses %j at start-up', (argocd, message) => {
    expect(() => settings(argocd)).toThrow(message);
  });

  it('names the default shard plainly when it has no instance', () => {
    const s = settings({ instances: [{ url: 'https://a', shard: 'eu' }] });
    expect(() => s.instanceFor('')).toThrow(
      'no Argo CD instance is configured for shard "": add one to kargo.argocd.instances without a shard (configured shards: "eu")',
    );
  });
});
