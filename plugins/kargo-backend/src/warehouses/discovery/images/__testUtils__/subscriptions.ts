import { CredentialsProvider, RepositoryCredentials } from '../../types';
import { ImageDiscoverySubscription } from '../ImageDiscoverer';

/** An image subscription with Kargo's defaults applied. */
export function imageSubscription(
  fields: Partial<ImageDiscoverySubscription> & { repoURL: string },
): ImageDiscoverySubscription {
  return {
    imageSelectionStrategy: 'SemVer',
    strictSemvers: true,
    discoveryLimit: 20,
    ...fields,
  } as ImageDiscoverySubscription;
}

/** A credentials provider answering the same credentials for every image. */
export function staticCredentials(
  credentials?: RepositoryCredentials,
): CredentialsProvider & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    async lookup(type, repoURL) {
      lookups.push(`${type}:${repoURL}`);
      return type === 'image' ? credentials : undefined;
    },
  };
}
