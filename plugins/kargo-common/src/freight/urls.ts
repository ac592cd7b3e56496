/*
 * Repository URL normalisation, behaving exactly like Kargo's pkg/urls
 * (SanitizeURL, NormalizeGit, NormalizeImage, NormalizeChart), so that the
 * canonical forms, and the Freight names computed from them, match Kargo's.
 * Warehouse discovery reuses these to compare repository URLs the way Kargo
 * does.
 */

import {
  fromByteString,
  goToLower,
  goTrimSpace,
  removeNonPrintable,
  toByteString,
  trimPrefix,
  trimSuffix,
} from './goText';
import { goQueryHasValues, goURLString, parseGoURL } from './goUrl';
import { DOCKER_HUB_REGISTRY, parseImageRepository } from './imageReference';

/**
 * Removes leading and trailing whitespace, and every non-printable character
 * (byte order marks, zero-width spaces, control characters, non-ASCII spaces)
 * anywhere in the string. Kargo applies this before normalising any
 * repository URL (Kargo: urls.SanitizeURL).
 */
export function sanitizeURL(url: string): string {
  return goTrimSpace(removeNonPrintable(url));
}

/** Drops a trailing "/" and then a trailing ".git" from a URL path. */
function trimRepoPath(path: string): string {
  return trimSuffix(trimSuffix(path, '/'), '.git');
}

/** [user@]host[.domain...][:path], the SCP-like syntax Git accepts for SSH. */
const SCP_SYNTAX = /^((?:[\w-]+@)?[\w-]+(?:\.[\w-]+)*)(?::(.*))?$/;

/**
 * Normalises a Git repository URL as Kargo does (Kargo: urls.NormalizeGit):
 *
 * - lower-cases and sanitises it (see {@link sanitizeURL});
 * - http(s) URLs: drops user info, a trailing "/" and then a trailing ".git";
 *   a URL with query parameters is returned unchanged;
 * - ssh:// URLs: the same, but user info is kept;
 * - SCP-style `[user@]host[:path]` becomes `ssh://[user@]host[/path]`.
 *
 * Anything that cannot be normalised (including any parse error) is returned
 * exactly as given, not lower-cased.
 */
export function normalizeGitURL(url: string): string {
  const original = url;
  const repo = sanitizeURL(goToLower(url));

  if (
    repo.startsWith('http://') ||
    repo.startsWith('https://') ||
    repo.startsWith('ssh://')
  ) {
    const parsed = parseGoURL(toByteString(repo));
    if (parsed === null || goQueryHasValues(parsed.rawQuery)) {
      return original;
    }
    if (!repo.startsWith('ssh://')) {
      parsed.user = null;
    }
    parsed.path = trimRepoPath(parsed.path);
    return fromByteString(goURLString(parsed));
  }

  const match = SCP_SYNTAX.exec(repo);
  if (match === null) {
    return original;
  }
  const userHost = match[1];
  const pathURL = parseGoURL(toByteString(match[2] ?? ''));
  if (pathURL === null) {
    return original;
  }
  pathURL.path = trimRepoPath(pathURL.path);
  if (pathURL.path === '') {
    return `ssh://${userHost}`;
  }
  return `ssh://${userHost}/${fromByteString(goURLString(pathURL))}`;
}

/**
 * Normalises a container image repository URL as Kargo does (Kargo:
 * urls.NormalizeImage): lower-cased and sanitised, Docker Hub's host names
 * (docker.io, index.docker.io, registry-1.docker.io) and the implicit
 * "library/" namespace of official images are dropped (`busybox`,
 * `example/repo`), and other registries are kept (`ghcr.io/example/repo`). A
 * tag or digest, if present, is dropped. Anything that does not parse as an
 * image reference is returned exactly as given.
 *
 * Note: Kargo does not apply this to images when naming Freight; an image's
 * repoURL goes into the Freight name verbatim. It does apply it to Helm chart
 * repositories (see {@link normalizeChartRepoURL}).
 */
export function normalizeImageRepoURL(url: string): string {
  const original = url;
  const parsed = parseImageRepository(sanitizeURL(goToLower(url)));
  if (parsed === null) {
    return original;
  }
  if (
    parsed.registry === DOCKER_HUB_REGISTRY ||
    parsed.registry === 'registry-1.docker.io'
  ) {
    return trimPrefix(parsed.repository, 'library/');
  }
  return `${parsed.registry}/${parsed.repository}`;
}

/**
 * Normalises a Helm chart repository URL as Kargo does (Kargo:
 * urls.NormalizeChart): sanitised, and if it parses as a URL, lower-cased,
 * stripped of an "oci://" prefix and passed through
 * {@link normalizeImageRepoURL}. Classic http(s) chart repository URLs pass
 * through that essentially unchanged (lower-cased).
 */
export function normalizeChartRepoURL(url: string): string {
  const original = url;
  const repo = sanitizeURL(url);
  if (parseGoURL(toByteString(repo)) === null) {
    return original;
  }
  return normalizeImageRepoURL(trimPrefix(goToLower(repo), 'oci://'));
}
