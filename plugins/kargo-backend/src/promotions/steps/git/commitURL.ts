import { normalizeGitURL } from '@kargo-backstage/plugin-kargo-common';

export type GitProviderName =
  | 'azure'
  | 'bitbucket'
  | 'gitea'
  | 'github'
  | 'gitlab';

/** Host and path of a URL, or undefined when it does not parse. */
function parse(
  url: string,
): { host: string; hostname: string; path: string } | undefined {
  try {
    const u = new URL(url);
    if (!u.host) return undefined;
    return { host: u.host, hostname: u.hostname, path: u.pathname };
  } catch {
    return undefined;
  }
}

/**
 * The provider Kargo infers from a repository URL: a host containing
 * "github" (or ending in .ghe.com), "gitlab" or "gitea", bitbucket.org, or
 * Azure DevOps.
 */
export function inferGitProvider(repoURL: string): GitProviderName | undefined {
  const u = parse(repoURL);
  if (!u) return undefined;
  if (u.host.includes('github') || u.host.endsWith('.ghe.com')) return 'github';
  if (u.host.includes('gitlab')) return 'gitlab';
  if (u.host.includes('gitea')) return 'gitea';
  if (u.hostname === 'bitbucket.org') return 'bitbucket';
  if (u.host === 'dev.azure.com' || u.host.endsWith('visualstudio.com')) {
    return 'azure';
  }
  return undefined;
}

/**
 * The web URL of a commit, built as Kargo's git providers build it for the
 * git-push step's `commitURL` output; undefined when Kargo gives none (an
 * unknown host, a path that is not owner/name where the provider needs
 * one, and Azure DevOps, whose provider cannot be created without a token
 * in that step).
 */
export function buildCommitURL(
  repoURL: string,
  sha: string,
  provider?: GitProviderName,
): string | undefined {
  const name = provider ?? inferGitProvider(repoURL);
  if (!name || name === 'azure') return undefined;
  const normalized = parse(normalizeGitURL(repoURL));
  if (!normalized) return undefined;
  const path = normalized.path.replace(/\/+$/, '');
  const parts = path.replace(/^\//, '').split('/');
  switch (name) {
    case 'github':
    case 'gitea':
      if (parts.length !== 2) return undefined;
      return `https://${normalized.host}/${parts[0]}/${parts[1]}/commit/${sha}`;
    case 'bitbucket':
      if (parts.length !== 2) return undefined;
      return `https://${normalized.host}${path}/commits/${sha}`;
    case 'gitlab':
      return `https://${normalized.host}${path}/-/commit/${sha}`;
    default:
      return undefined;
  }
}
