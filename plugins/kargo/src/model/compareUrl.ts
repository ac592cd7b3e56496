import type { Artifact } from './artifacts';

/** Hosts whose web UI compares two revisions at a predictable URL. */
const COMPARE_PATHS: Record<string, string> = {
  'github.com': 'compare',
  'gitlab.com': '-/compare',
};

/**
 * `https://github.com/o/r/compare/a...b` for a commit that changes between
 * two pieces of Freight, when the repository is on a known Git host.
 * Accepts `https://`, `ssh://git@` and `git@host:o/r` repository URLs.
 */
export function compareUrl(from: Artifact, to: Artifact): string | undefined {
  if (from.kind !== 'commit' || to.kind !== 'commit' || !to.repoURL) {
    return undefined;
  }
  if (!from.fullVersion || !to.fullVersion) {
    return undefined;
  }
  const match =
    /^(?:https?:\/\/|ssh:\/\/)?(?:[^@/]+@)?([^/:]+)[:/](.+?)(?:\.git)?\/?$/.exec(
      to.repoURL,
    );
  if (!match) {
    return undefined;
  }
  const [, host, path] = match;
  const compare = COMPARE_PATHS[host.toLocaleLowerCase('en-US')];
  if (!compare || path.split('/').length < 2) {
    return undefined;
  }
  return `https://${host}/${path}/${compare}/${encodeURIComponent(
    from.fullVersion,
  )}...${encodeURIComponent(to.fullVersion)}`;
}
