/**
 * Repository URL normalization used only to detect duplicate Warehouse
 * subscriptions, mirroring how Kargo compares URLs (case-insensitive, without
 * credentials, `.git` suffixes or Docker Hub's implicit host and `library/`).
 */

const sanitize = (url: string) =>
  // Kargo strips non-printable runes (e.g. byte order marks) and surrounding space.
  url.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();

const trimRepoPath = (path: string) =>
  path.replace(/\/$/, '').replace(/\.git$/, '');

export function normalizeGitUrl(repoURL: string): string {
  const url = sanitize(repoURL.toLowerCase());
  if (/^(https?|ssh):\/\//.test(url)) {
    try {
      const parsed = new URL(url);
      if (parsed.search) return repoURL;
      const isHttp = parsed.protocol !== 'ssh:';
      const user = !isHttp && parsed.username ? `${parsed.username}@` : '';
      const port = parsed.port ? `:${parsed.port}` : '';
      return `${parsed.protocol}//${user}${
        parsed.hostname
      }${port}${trimRepoPath(parsed.pathname)}`;
    } catch {
      return repoURL;
    }
  }
  // SCP-style `[user@]host:path` (deprecated in Kargo, still accepted).
  const scp = /^((?:[\w-]+@)?[\w-]+(?:\.[\w-]+)*)(?::(.*))?$/.exec(url);
  if (!scp) return repoURL;
  const path = trimRepoPath(scp[2] ?? '');
  return path ? `ssh://${scp[1]}/${path}` : `ssh://${scp[1]}`;
}

const DOCKER_HUB_HOSTS = [
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
];

export function normalizeImageRepo(repoURL: string): string {
  const url = sanitize(repoURL.toLowerCase());
  const slash = url.indexOf('/');
  const first = slash < 0 ? '' : url.slice(0, slash);
  // The first path segment is a registry host when it looks like one.
  const hasHost = first !== '' && (/[.:]/.test(first) || first === 'localhost');
  const host = hasHost ? first : 'docker.io';
  const repo = hasHost ? url.slice(slash + 1) : url;
  if (DOCKER_HUB_HOSTS.includes(host)) return repo.replace(/^library\//, '');
  return `${host}/${repo}`;
}

export function normalizeChartRepo(repoURL: string): string {
  return normalizeImageRepo(sanitize(repoURL).replace(/^oci:\/\//i, ''));
}
