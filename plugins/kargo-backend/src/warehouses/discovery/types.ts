/**
 * What discovery answers, per subscription, in the shape Kargo keeps in a
 * Warehouse's `status.discoveredArtifacts` (so the UI can offer manual
 * Freight assembly and a later check can compare against it).
 */

/** One image revision: a tag and the digest it pointed at. */
export type DiscoveredImageReference = {
  tag: string;
  digest: string;
  /** OCI annotations of the manifest (or the platform's manifest). */
  annotations?: Record<string, string>;
  /** RFC 3339; only when the strategy needed the image config (NewestBuild). */
  createdAt?: string;
};

export type DiscoveredImages = {
  repoURL: string;
  platform?: string;
  subscriptionName?: string;
  /** Newest / best first, at most `discoveryLimit`. */
  references: DiscoveredImageReference[];
};

export type DiscoveredCommit = {
  id: string;
  branch?: string;
  tag?: string;
  subject?: string;
  author?: string;
  committer?: string;
  /** RFC 3339: commit date, or tag creation date for tag strategies. */
  creatorDate?: string;
};

/** The refs seen by the last discovery, to skip work when nothing moved. */
export type ObservedRefs =
  | { branchHead: string }
  | { tags: Array<{ name: string; id: string }> };

export type DiscoveredGit = {
  repoURL: string;
  subscriptionName?: string;
  /** Newest / best first, at most `discoveryLimit`. */
  commits: DiscoveredCommit[];
  observedRefs?: ObservedRefs;
};

export type DiscoveredCharts = {
  repoURL: string;
  name?: string;
  semverConstraint?: string;
  subscriptionName?: string;
  /** Highest first, at most `discoveryLimit`. */
  versions: string[];
};

/** Why a discovery failed, as a Warehouse condition reason. */
export type DiscoveryFailureReason =
  | 'Unauthorized'
  | 'NotFound'
  | 'Unreachable'
  | 'Timeout'
  | 'RateLimited'
  | 'InvalidResponse'
  | 'InvalidSubscription'
  | 'ServerError';

/**
 * A discovery failure with a message a user can act on ("registry
 * 127.0.0.1:5000 answered 401 for library/app: check the credentials for
 * it in kargo.credentials"). It never carries a secret.
 */
export class DiscoveryError extends Error {
  constructor(
    readonly reason: DiscoveryFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DiscoveryError';
  }
}

/** Credentials for one repository. */
export type RepositoryCredentials = {
  username?: string;
  /** Password or token. */
  password: string;
};

/** Finds credentials for a repository URL; undefined means anonymous. */
export interface CredentialsProvider {
  lookup(
    type: 'image' | 'git' | 'helm',
    repoURL: string,
  ): Promise<RepositoryCredentials | undefined>;
}

/** What every discoverer is given besides the subscription. */
export type DiscoveryContext = {
  credentials: CredentialsProvider;
  signal?: AbortSignal;
};
