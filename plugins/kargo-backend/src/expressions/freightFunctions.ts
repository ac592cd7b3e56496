import type { JsonObject } from '@backstage/types';
import { normalizeGitURL } from '@kargo-backstage/plugin-kargo-common';

type Image = {
  repoURL: string;
  tag?: string;
  digest?: string;
  annotations?: JsonObject;
};
type Commit = {
  repoURL: string;
  id: string;
  branch?: string;
  tag?: string;
  message?: string;
  author?: string;
  committer?: string;
};
type Chart = { repoURL: string; name?: string; version: string };
type Artifact = {
  artifactType: string;
  subscriptionName: string;
  version: string;
  metadata?: JsonObject;
};

function requireString(fn: string, value: unknown): string {
  if (typeof value !== 'string' || !value) {
    throw new Error(`${fn}() needs a repository URL (a non-empty string)`);
  }
  return value;
}

/**
 * Kargo's artifact functions over one piece of Freight content, answering
 * the Go field names Kargo's expressions use (`imageFrom(repo).Tag`).
 * Unknown artifacts answer nil, as in Kargo.
 */
export function freightFunctions(freight: JsonObject) {
  const images = (freight.images ?? []) as Image[];
  const commits = (freight.commits ?? []) as Commit[];
  const charts = (freight.charts ?? []) as Chart[];
  const artifacts = (freight.artifacts ?? []) as Artifact[];
  return {
    imageFrom: (repoURL: unknown) => {
      const url = requireString('imageFrom', repoURL);
      const image = images.find(i => i.repoURL === url);
      return image
        ? {
            RepoURL: image.repoURL,
            Tag: image.tag ?? '',
            Digest: image.digest ?? '',
            Annotations: image.annotations ?? {},
          }
        : null;
    },
    commitFrom: (repoURL: unknown) => {
      const url = normalizeGitURL(requireString('commitFrom', repoURL));
      const commit = commits.find(c => normalizeGitURL(c.repoURL) === url);
      return commit
        ? {
            RepoURL: commit.repoURL,
            ID: commit.id,
            Branch: commit.branch ?? '',
            Tag: commit.tag ?? '',
            Message: commit.message ?? '',
            Author: commit.author ?? '',
            Committer: commit.committer ?? '',
          }
        : null;
    },
    chartFrom: (repoURL: unknown, name?: unknown) => {
      const url = requireString('chartFrom', repoURL);
      const chart = charts.find(
        c => c.repoURL === url && (name === undefined || c.name === name),
      );
      return chart
        ? {
            RepoURL: chart.repoURL,
            Name: chart.name ?? '',
            Version: chart.version,
          }
        : null;
    },
    artifactFrom: (subscriptionName: unknown) => {
      const artifact = artifacts.find(
        a => a.subscriptionName === subscriptionName,
      );
      return artifact
        ? {
            ArtifactType: artifact.artifactType,
            SubscriptionName: artifact.subscriptionName,
            Version: artifact.version,
            Metadata: artifact.metadata ?? {},
          }
        : null;
    },
  };
}
