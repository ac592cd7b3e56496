import {
  DefaultGithubCredentialsProvider,
  getGitLabIntegrationRelativePath,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import type { CredentialsProvider } from '../../../warehouses/discovery/types';
import type { Forge } from './forge';
import { ForgeApi } from './forgeApi';
import type { ForgeTarget } from './forgeErrors';
import { GithubForge } from './githubForge';
import { GitlabForge } from './gitlabForge';
import { parseRepoUrl } from './repoUrl';

/** What the pull-request steps need from the backend. */
export type ForgeStepsDeps = {
  /** Backstage `integrations` config: which hosts are GitHub or GitLab, their API URLs and tokens. */
  integrations: ScmIntegrationRegistry;
  /**
   * Kargo-style repository credentials (`kargo.credentials`): when one
   * matches the repoURL, its password is the API token, as Kargo uses its
   * git credential Secrets. Checked before the integration's own token.
   */
  credentials?: CredentialsProvider;
  /** GitHub tokens or GitHub App installation tokens; default: from `integrations`. */
  githubCredentials?: GithubCredentialsProvider;
};

/** The connection options every pull-request step shares. */
export type ForgeStepConfig = {
  repoURL: string;
  provider?: string;
  insecureSkipTLSVerify?: boolean;
};

export type ForgeConnection = { forge: Forge; target: ForgeTarget };

/** Opens forge connections from repoURLs; built once per factory call. */
export class ForgeConnector {
  private readonly githubCredentials: GithubCredentialsProvider;

  constructor(private readonly deps: ForgeStepsDeps) {
    this.githubCredentials =
      deps.githubCredentials ??
      DefaultGithubCredentialsProvider.fromIntegrations(deps.integrations);
  }

  async connect(
    config: ForgeStepConfig,
    signal: AbortSignal,
  ): Promise<ForgeConnection> {
    const { host, path } = parseRepoUrl(config.repoURL);
    if (config.provider && !['github', 'gitlab'].includes(config.provider)) {
      throw new TerminalStepError(
        `provider "${config.provider}" is not supported here; only github and gitlab are`,
      );
    }
    const github = this.deps.integrations.github.byHost(host);
    const gitlab = this.deps.integrations.gitlab.byHost(host);
    const kind = (config.provider ??
      (github ? 'github' : gitlab && 'gitlab')) as
      | 'github'
      | 'gitlab'
      | undefined;
    if (!kind) {
      throw new TerminalStepError(
        `no GitHub or GitLab integration is configured for host "${host}": add one under integrations.github or integrations.gitlab in app-config`,
      );
    }
    if ((kind === 'github' && !github) || (kind === 'gitlab' && !gitlab)) {
      throw new TerminalStepError(
        `provider is ${kind} but no integrations.${kind} entry has host "${host}"`,
      );
    }
    const token = await this.token(kind, host, path, config.repoURL);
    const target: ForgeTarget = { kind, host, secrets: token ? [token] : [] };
    const options = (apiBaseUrl: string, authHeaders: Record<string, string>) =>
      new ForgeApi({
        apiBaseUrl,
        authHeaders,
        insecureSkipTLSVerify: config.insecureSkipTLSVerify ?? false,
        signal,
      });
    if (kind === 'github') {
      const apiBaseUrl = github!.config.apiBaseUrl;
      if (!apiBaseUrl) {
        throw new TerminalStepError(
          `integrations.github entry for host "${host}" has no apiBaseUrl`,
        );
      }
      const [owner, repo, ...rest] = path.split('/');
      if (rest.length > 0) {
        throw new TerminalStepError(
          `repoURL: GitHub repositories are host/owner/name; "${path}" has more parts`,
        );
      }
      const auth: Record<string, string> = token
        ? { Authorization: `Bearer ${token}` }
        : {};
      return {
        forge: new GithubForge(options(apiBaseUrl, auth), owner, repo),
        target,
      };
    }
    // Self-managed GitLab under a sub-path (baseUrl https://host/gitlab)
    // puts that sub-path in front of every project path.
    const prefix = getGitLabIntegrationRelativePath(gitlab!.config).replace(
      /^\/+|\/+$/g,
      '',
    );
    const project =
      prefix && path.startsWith(`${prefix}/`)
        ? path.slice(prefix.length + 1)
        : path;
    const auth: Record<string, string> = token
      ? { Authorization: `Bearer ${token}` }
      : {};
    return {
      forge: new GitlabForge(options(gitlab!.config.apiBaseUrl, auth), project),
      target,
    };
  }

  private async token(
    kind: 'github' | 'gitlab',
    host: string,
    path: string,
    repoURL: string,
  ): Promise<string | undefined> {
    const fromKargo = await this.deps.credentials?.lookup('git', repoURL);
    if (fromKargo?.password) return fromKargo.password;
    if (kind === 'gitlab') {
      return this.deps.integrations.gitlab.byHost(host)?.config.token;
    }
    try {
      const { token } = await this.githubCredentials.getCredentials({
        url: `https://${host}/${path}`,
      });
      return token;
    } catch (error) {
      // GitHub App token exchange failed (network, suspended installation).
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `getting GitHub credentials for ${host}/${path}: ${message}`,
      );
    }
  }
}
