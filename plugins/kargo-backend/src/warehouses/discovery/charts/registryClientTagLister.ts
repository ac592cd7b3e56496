import { RegistryClient } from '../registry';
import { RepositoryCredentials } from '../types';
import { OciRepository, OciTagLister } from './ociTags';

/**
 * Lists chart tags with the shared registry client (`../registry`: ping,
 * token auth, Link pagination, per-host rate limit and 429 handling).
 *
 * The chart's host is used as written in the `oci://` URL, as oras does for
 * Kargo (no Docker Hub rewriting). Plain HTTP follows the shared client's
 * rule (loopback and private addresses only), where Kargo probes any host.
 */
export class RegistryClientTagLister implements OciTagLister {
  constructor(private readonly client: RegistryClient = new RegistryClient()) {}

  listTags(
    repo: OciRepository,
    credentials: RepositoryCredentials | undefined,
    options: { signal?: AbortSignal } = {},
  ): Promise<string[]> {
    return this.client.listTags(
      { registry: repo.host, apiHost: repo.host, repository: repo.name },
      {
        credentials,
        insecureSkipTLSVerify: repo.insecure,
        signal: options.signal,
      },
    );
  }
}
