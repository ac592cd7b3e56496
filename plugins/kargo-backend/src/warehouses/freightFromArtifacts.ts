import type { JsonObject } from '@backstage/types';
import type { DiscoveredArtifacts } from './WarehouseDiscoverer';

/**
 * The Freight a Warehouse would create from what it discovered: the first
 * (newest / best) revision of every subscription, as Kargo does. Undefined
 * when some subscription found nothing, since Freight needs them all.
 */
export function freightFromArtifacts(
  warehouse: string,
  artifacts: DiscoveredArtifacts,
): JsonObject | undefined {
  const commits: JsonObject[] = [];
  for (const git of artifacts.git) {
    const [commit] = git.commits;
    if (!commit) return undefined;
    commits.push(
      clean({
        repoURL: git.repoURL,
        id: commit.id,
        branch: commit.branch,
        tag: commit.tag,
        message: commit.subject,
        author: commit.author,
        committer: commit.committer,
        subscriptionName: git.subscriptionName,
      }),
    );
  }
  const images: JsonObject[] = [];
  for (const image of artifacts.images) {
    const [reference] = image.references;
    if (!reference) return undefined;
    images.push(
      clean({
        repoURL: image.repoURL,
        tag: reference.tag,
        digest: reference.digest,
        annotations: reference.annotations,
        subscriptionName: image.subscriptionName,
      }),
    );
  }
  const charts: JsonObject[] = [];
  for (const chart of artifacts.charts) {
    const [version] = chart.versions;
    if (!version) return undefined;
    charts.push(
      clean({
        repoURL: chart.repoURL,
        name: chart.name,
        version,
        subscriptionName: chart.subscriptionName,
      }),
    );
  }
  const generic: JsonObject[] = [];
  for (const result of artifacts.results) {
    const [reference] = result.artifactReferences;
    if (!reference) return undefined;
    generic.push(clean({ ...reference }));
  }
  return clean({
    origin: { kind: 'Warehouse', name: warehouse },
    commits: commits.length ? commits : undefined,
    images: images.length ? images : undefined,
    charts: charts.length ? charts : undefined,
    artifacts: generic.length ? generic : undefined,
  });
}

/** Drops undefined fields, so stored Freight carries only what is known. */
function clean(value: Record<string, unknown>): JsonObject {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== ''),
  ) as JsonObject;
}
