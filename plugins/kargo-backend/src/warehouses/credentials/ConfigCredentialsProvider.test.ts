import { ConfigReader } from '@backstage/config';
import { ConfigCredentialsProvider } from './ConfigCredentialsProvider';

const provider = (data: object) =>
  ConfigCredentialsProvider.fromConfig(new ConfigReader(data));

describe('ConfigCredentialsProvider', () => {
  const config = {
    kargo: {
      credentials: [
        {
          type: 'image',
          repoURL: 'registry.example.com/team/app',
          username: 'bot',
          password: 'p1',
        },
        {
          type: 'helm',
          repoURLPattern: '^oci://charts\\.example\\.com/',
          username: 'ci',
          password: 'p2',
        },
        {
          type: 'git',
          repoURL: 'https://git.example.com/team/gitops.git',
          username: 'kargo',
          password: 'p3',
        },
      ],
    },
    integrations: {
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'glpat-1',
        },
      ],
    },
  };

  it('matches exact repository URLs regardless of scheme, case and .git', async () => {
    const p = provider(config);
    expect(await p.lookup('image', 'Registry.example.com/team/app')).toEqual({
      username: 'bot',
      password: 'p1',
    });
    expect(
      await p.lookup('git', 'https://git.example.com/team/gitops'),
    ).toEqual({ username: 'kargo', password: 'p3' });
    expect(
      await p.lookup('image', 'registry.example.com/team/other'),
    ).toBeUndefined();
    // Credentials are per repository type.
    expect(
      await p.lookup('git', 'registry.example.com/team/app'),
    ).toBeUndefined();
  });

  it('matches patterns', async () => {
    const p = provider(config);
    expect(await p.lookup('helm', 'oci://charts.example.com/x/y')).toEqual({
      username: 'ci',
      password: 'p2',
    });
    expect(await p.lookup('helm', 'oci://other.example.com/x')).toBeUndefined();
  });

  it("falls back to Backstage's integrations for Git hosts", async () => {
    const p = provider(config);
    expect(
      await p.lookup('git', 'https://gitlab.example.com/team/app.git'),
    ).toEqual({
      username: 'oauth2',
      password: 'glpat-1',
    });
    expect(
      await p.lookup('git', 'https://unknown.example.com/x.git'),
    ).toBeUndefined();
  });

  it('refuses a broken entry at start-up, naming it', () => {
    expect(() =>
      provider({ kargo: { credentials: [{ type: 'image', password: 'x' }] } }),
    ).toThrow(
      'kargo.credentials[0]: give exactly one of repoURL or repoURLPattern',
    );
    expect(() =>
      provider({
        kargo: {
          credentials: [{ type: 'image', repoURLPattern: '([', password: 'x' }],
        },
      }),
    ).toThrow(
      /kargo.credentials\[0\].repoURLPattern: not a valid regular expression/,
    );
    expect(() =>
      provider({
        kargo: {
          credentials: [{ type: 'docker', repoURL: 'x', password: 'x' }],
        },
      }),
    ).toThrow('kargo.credentials[0].type: must be one of image, git, helm');
  });
});
