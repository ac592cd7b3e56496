import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type {
  CredentialsProvider,
  RepositoryCredentials,
} from '../discovery/types';

type RepositoryType = 'image' | 'git' | 'helm';

type Entry = {
  type: RepositoryType;
  matches: (repoURL: string) => boolean;
  credentials: RepositoryCredentials;
};

/** `https://host/path.git`, `oci://host/x`, `host/x` → comparable forms. */
function comparable(url: string): string {
  return url
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/**
 * Credentials for registries, chart repositories and Git hosts:
 * `kargo.credentials` entries first (an exact `repoURL`, or a
 * `repoURLPattern` regular expression, like Kargo's credential Secrets), then,
 * for Git, Backstage's own `integrations` (GitHub tokens and apps, GitLab,
 * Bitbucket, Gitea, Azure DevOps).
 */
export class ConfigCredentialsProvider implements CredentialsProvider {
  static fromConfig(config: Config): ConfigCredentialsProvider {
    const entries = (
      config.getOptionalConfigArray('kargo.credentials') ?? []
    ).map((entry, index): Entry => {
      const type = entry.getString('type') as RepositoryType;
      if (!['image', 'git', 'helm'].includes(type)) {
        throw new Error(
          `kargo.credentials[${index}].type: must be one of image, git, helm`,
        );
      }
      const exact = entry.getOptionalString('repoURL');
      const pattern = entry.getOptionalString('repoURLPattern');
      if (Boolean(exact) === Boolean(pattern)) {
        throw new Error(
          `kargo.credentials[${index}]: give exactly one of repoURL or repoURLPattern`,
        );
      }
      let regex: RegExp | undefined;
      if (pattern) {
        try {
          regex = new RegExp(pattern);
        } catch (error) {
          throw new Error(
            `kargo.credentials[${index}].repoURLPattern: not a valid regular expression: ${
              (error as Error).message
            }`,
          );
        }
      }
      return {
        type,
        matches: regex
          ? url => regex!.test(url)
          : url => comparable(url) === comparable(exact!),
        credentials: {
          username: entry.getOptionalString('username'),
          password: entry.getString('password'),
        },
      };
    });
    return new ConfigCredentialsProvider(
      entries,
      ScmIntegrations.fromConfig(config),
    );
  }

  private readonly github: DefaultGithubCredentialsProvider;

  private constructor(
    private readonly entries: Entry[],
    private readonly integrations: ScmIntegrations,
  ) {
    this.github =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  async lookup(
    type: RepositoryType,
    repoURL: string,
  ): Promise<RepositoryCredentials | undefined> {
    const entry = this.entries.find(e => e.type === type && e.matches(repoURL));
    if (entry) {
      return entry.credentials;
    }
    return type === 'git' ? this.fromIntegrations(repoURL) : undefined;
  }

  private async fromIntegrations(
    repoURL: string,
  ): Promise<RepositoryCredentials | undefined> {
    let url: URL;
    try {
      url = new URL(repoURL);
    } catch {
      return undefined; // scp-style SSH URLs carry their own identity
    }
    const integration = this.integrations.byUrl(url);
    if (!integration) {
      return undefined;
    }
    const config = (integration as unknown as { config: object }).config as {
      token?: string;
      username?: string;
      password?: string;
      appPassword?: string;
    };
    switch (integration.type) {
      case 'github': {
        const { token } = await this.github.getCredentials({ url: repoURL });
        return token
          ? { username: 'x-access-token', password: token }
          : undefined;
      }
      case 'gitlab':
        return config.token
          ? { username: 'oauth2', password: config.token }
          : undefined;
      case 'bitbucketCloud':
        return config.username && config.appPassword
          ? { username: config.username, password: config.appPassword }
          : undefined;
      case 'bitbucketServer':
        if (config.token) {
          return { username: 'x-token-auth', password: config.token };
        }
        return config.username && config.password
          ? { username: config.username, password: config.password }
          : undefined;
      case 'gitea':
        return config.username && config.password
          ? { username: config.username, password: config.password }
          : undefined;
      case 'azure':
        return config.token
          ? { username: 'kargo', password: config.token }
          : undefined;
      default:
        return undefined;
    }
  }
}
