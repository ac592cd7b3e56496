import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';

/** Where a repository lives: its host (with port, if any) and path. */
export type RepoLocation = {
  /** `host[:port]`, lower-cased, as Backstage integrations are keyed. */
  host: string;
  /** `owner/name` (GitHub) or `group/sub/name` (GitLab), without `.git`. */
  path: string;
};

/**
 * Splits a `repoURL` as Kargo accepts it: `https://host/owner/repo(.git)`,
 * `ssh://git@host/owner/repo.git`, or scp-style `git@host:owner/repo.git`
 * (the SSH forms are deprecated in Kargo but still accepted).
 */
export function parseRepoUrl(repoURL: string): RepoLocation {
  const trimmed = repoURL.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(trimmed);
  let host: string;
  let rawPath: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    host = scp[1];
    rawPath = scp[2];
  } else {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new TerminalStepError(`repoURL: "${repoURL}" is not a URL`);
    }
    if (!['https:', 'http:', 'ssh:'].includes(url.protocol)) {
      throw new TerminalStepError(
        `repoURL: "${repoURL}" uses ${url.protocol}; use an https:// URL`,
      );
    }
    host = url.host;
    rawPath = decodeURIComponent(url.pathname);
  }
  const path = rawPath
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (!host || path.split('/').filter(Boolean).length < 2) {
    throw new TerminalStepError(
      `repoURL: "${repoURL}" does not name a repository (expected host/owner/name)`,
    );
  }
  return { host: host.toLowerCase(), path };
}
