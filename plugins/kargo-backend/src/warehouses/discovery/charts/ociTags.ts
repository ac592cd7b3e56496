import { DiscoveryError, RepositoryCredentials } from '../types';

/** A repository in an OCI registry. */
export type OciRepository = {
  /** host[:port] of the registry API. */
  host: string;
  /** Repository path, e.g. `charts/podinfo`. */
  name: string;
  /** Skip TLS certificate verification. */
  insecure: boolean;
};

/**
 * Lists a repository's tags. The minimal seam the chart discoverer needs;
 * meant to be backed by the shared registry client in `../registry/` once it
 * has tag listing.
 */
export interface OciTagLister {
  listTags(
    repo: OciRepository,
    credentials: RepositoryCredentials | undefined,
    options?: { signal?: AbortSignal },
  ): Promise<string[]>;
}

// Repository names per the OCI distribution spec.
const REPOSITORY_RE =
  /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const HOST_RE = /^[\w.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/;

/**
 * Reads `oci://host[:port]/path/chart[:tag|@digest]` as oras does for Kargo
 * (registry.ParseReference): the host is used as given (no Docker Hub
 * rewriting); a tag or digest is ignored for listing.
 */
export function parseOciChartURL(
  repoURL: string,
  insecure: boolean,
): OciRepository {
  const rest = repoURL.replace(/^oci:\/\//, '');
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  let name = slash < 0 ? '' : rest.slice(slash + 1);
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && !name.slice(colon).includes('/')) {
    name = name.slice(0, colon);
  }
  if (!HOST_RE.test(host) || !REPOSITORY_RE.test(name)) {
    throw new DiscoveryError(
      'InvalidSubscription',
      `chart repoURL ${repoURL.replace(
        /\/\/[^/@]*@/,
        '//',
      )} is not a valid OCI chart reference: expected oci://<registry>/<path>/<chart> with a lower-case repository path`,
    );
  }
  return { host, name, insecure };
}
