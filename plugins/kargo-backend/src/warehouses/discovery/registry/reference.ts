/**
 * Image repository names as the Docker/OCI tooling reads them: a registry
 * host (Docker Hub when the first path component does not look like a host)
 * and a repository path (`library/` added for Docker Hub short names).
 */

export type RegistryRepository = {
  /** The registry as named, lower-cased (`docker.io` for Docker Hub). */
  registry: string;
  /** Host[:port] the API is spoken to (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  /** Repository path inside the registry, e.g. `library/nginx`. */
  repository: string;
};

const DOCKER_HUB_NAMES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

const REPOSITORY_RE =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * Parses an image repository URL (`nginx`, `ghcr.io/org/app`,
 * `127.0.0.1:5000/app`, optionally `oci://`-prefixed) into registry and
 * repository. Throws on names that are not image repositories.
 */
export function parseRepository(repoURL: string): RegistryRepository {
  let name = repoURL.trim().toLowerCase();
  if (name.startsWith('oci://')) name = name.slice('oci://'.length);
  name = name.replace(/\/+$/, '');
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let registry: string;
  let repository: string;
  if (
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  ) {
    registry = first;
    repository = name.slice(slash + 1);
  } else {
    registry = 'docker.io';
    repository = name;
  }
  if (DOCKER_HUB_NAMES.has(registry)) {
    registry = 'docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  if (!REPOSITORY_RE.test(repository) || !isValidHost(registry)) {
    throw new Error(`"${repoURL}" is not a valid image repository name`);
  }
  return {
    registry,
    apiHost: registry === 'docker.io' ? DOCKER_HUB_API_HOST : registry,
    repository,
  };
}

function isValidHost(host: string): boolean {
  try {
    return new URL(`https://${host}`).host === host.replace(/:443$/, '');
  } catch {
    return false;
  }
}

const LOOPBACK_RE = /^127\.0\.0\.1(?::\d{1,5})?$/;
const IPV6_LOOPBACK_RE = /^(::1|\[::1\](?::\d{1,5})?)$/;
const DOT_LOCALHOST_RE = /.*\.localhost(?::\d{1,5})?$/;

/**
 * Whether plain HTTP may be tried for this registry after HTTPS failed, with
 * go-containerregistry's heuristic (name.Registry.Scheme): localhost,
 * `*.localhost`, 127.0.0.1, ::1 and RFC 1918 addresses.
 */
export function allowsPlainHttp(host: string): boolean {
  if (host === 'localhost' || host.startsWith('localhost:')) return true;
  if (DOT_LOCALHOST_RE.test(host)) return true;
  if (LOOPBACK_RE.test(host) || IPV6_LOOPBACK_RE.test(host)) return true;
  const ip = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::\d{1,5})?$/.exec(
    host,
  );
  if (!ip) return false;
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  if (ip.slice(1, 5).some(p => Number(p) > 255)) return false;
  return (
    a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
  );
}
