import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import { shortRepoName } from './artifacts';

/** One entry of a Warehouse's `spec.subscriptions`. */
export type Subscription = {
  image?: {
    repoURL: string;
    imageSelectionStrategy?: string;
    constraint?: string;
  };
  git?: { repoURL: string; branch?: string; commitSelectionStrategy?: string };
  chart?: { repoURL: string; name?: string; semverConstraint?: string };
  [otherType: string]: unknown;
};

export type WarehouseSpec = {
  subscriptions?: Subscription[];
  interval?: string;
  freightCreationPolicy?: string;
};

/** A Kubernetes-style condition of the Warehouse's status. */
export type Condition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
};

/** `status.discoveredArtifacts`, as Kargo (and the backend) keep it. */
export type DiscoveredArtifacts = {
  discoveredAt?: string;
  git?: Array<{
    repoURL: string;
    subscriptionName?: string;
    commits: Array<{
      id: string;
      branch?: string;
      tag?: string;
      subject?: string;
      author?: string;
      committer?: string;
      creatorDate?: string;
    }>;
  }>;
  images?: Array<{
    repoURL: string;
    subscriptionName?: string;
    references: Array<{
      tag: string;
      digest: string;
      annotations?: Record<string, string>;
      createdAt?: string;
    }>;
  }>;
  charts?: Array<{
    repoURL: string;
    name?: string;
    subscriptionName?: string;
    versions: string[];
  }>;
  results?: Array<{
    name: string;
    artifactReferences: Array<{
      artifactType?: string;
      subscriptionName: string;
      version: string;
      metadata?: Record<string, unknown>;
    }>;
  }>;
};

export type WarehouseStatus = {
  lastFreightID?: string;
  conditions?: Condition[];
  discoveredArtifacts?: DiscoveredArtifacts;
};

/** `git https://…/guestbook.git @ main`: one subscription in a line. */
export function describeSubscription(s: Subscription): string {
  if (s.image) {
    return `image ${s.image.repoURL} (${
      s.image.imageSelectionStrategy ?? 'SemVer'
    }${s.image.constraint ? ` ${s.image.constraint}` : ''})`;
  }
  if (s.git) {
    return `git ${s.git.repoURL}${s.git.branch ? ` @ ${s.git.branch}` : ''}`;
  }
  if (s.chart) {
    return `chart ${s.chart.repoURL}${s.chart.name ? ` ${s.chart.name}` : ''}`;
  }
  return Object.keys(s)
    .filter(k => k !== 'name')
    .join(', ');
}

/** The Freight field an artifact of each kind goes into. */
export type FreightField = 'commits' | 'images' | 'charts' | 'artifacts';

/** One version a subscription discovered, ready to go into Freight. */
export type DiscoveredOption = {
  /** Unique within its subscription. */
  id: string;
  /** `v1.2.0 (1a2b3c4)`, `1.4.0`. */
  label: string;
  /** Commit subject, digest… */
  detail?: string;
  /** When it was made, if known (RFC 3339). */
  at?: string;
  /** The artifact as Freight carries it. */
  content: Record<string, unknown>;
};

/** What one subscription discovered, newest (or best) first. */
export type DiscoveredSubscription = {
  key: string;
  /** `git guestbook-src`, `image web`. */
  title: string;
  field: FreightField;
  options: DiscoveredOption[];
};

/** Drops empty fields, so Freight carries only what is known. */
function clean(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== ''),
  );
}

/**
 * The versions each subscription discovered, as choices for Freight
 * assembled by hand; the artifacts are what the Warehouse itself would put
 * into Freight (the same fields, so the same Freight name).
 */
export function discoveredSubscriptions(
  artifacts: DiscoveredArtifacts | undefined,
): DiscoveredSubscription[] {
  if (!artifacts) return [];
  return [
    ...(artifacts.git ?? []).map(
      (git): DiscoveredSubscription => ({
        key: `git:${git.repoURL}`,
        title: `git ${shortRepoName(git.repoURL)}`,
        field: 'commits',
        options: git.commits.map(c => ({
          id: c.id,
          label: c.tag
            ? `${c.tag} (${c.id.slice(0, 7)})`
            : `${c.id.slice(0, 7)}${c.branch ? ` on ${c.branch}` : ''}`,
          detail: c.subject,
          at: c.creatorDate,
          content: clean({
            repoURL: git.repoURL,
            id: c.id,
            branch: c.branch,
            tag: c.tag,
            message: c.subject,
            author: c.author,
            committer: c.committer,
            subscriptionName: git.subscriptionName,
          }),
        })),
      }),
    ),
    ...(artifacts.images ?? []).map(
      (image): DiscoveredSubscription => ({
        key: `image:${image.repoURL}`,
        title: `image ${shortRepoName(image.repoURL)}`,
        field: 'images',
        options: image.references.map(r => ({
          id: `${r.tag}@${r.digest}`,
          label: r.tag,
          detail: r.digest,
          at: r.createdAt,
          content: clean({
            repoURL: image.repoURL,
            tag: r.tag,
            digest: r.digest,
            annotations: r.annotations,
            subscriptionName: image.subscriptionName,
          }),
        })),
      }),
    ),
    ...(artifacts.charts ?? []).map(
      (chart): DiscoveredSubscription => ({
        key: `chart:${chart.repoURL}/${chart.name ?? ''}`,
        title: `chart ${chart.name ?? shortRepoName(chart.repoURL)}`,
        field: 'charts',
        options: chart.versions.map(version => ({
          id: version,
          label: version,
          content: clean({
            repoURL: chart.repoURL,
            name: chart.name,
            version,
            subscriptionName: chart.subscriptionName,
          }),
        })),
      }),
    ),
    ...(artifacts.results ?? []).map(
      (result): DiscoveredSubscription => ({
        key: `artifact:${result.name}`,
        title: result.name,
        field: 'artifacts',
        options: result.artifactReferences.map(a => ({
          id: a.version,
          label: a.version,
          content: clean({ ...a }),
        })),
      }),
    ),
  ];
}

/**
 * Freight of the chosen versions (subscription key → option id), one from
 * every subscription as Kargo requires. The server names it from its
 * content and gives it an alias.
 */
export function assembledFreight(
  project: string,
  warehouse: string,
  subscriptions: DiscoveredSubscription[],
  chosen: Record<string, string>,
): KargoManifest {
  const fields: Partial<Record<FreightField, unknown[]>> = {};
  for (const subscription of subscriptions) {
    const option = subscription.options.find(
      o => o.id === chosen[subscription.key],
    );
    if (!option) {
      throw new Error(`Choose a version of ${subscription.title}`);
    }
    (fields[subscription.field] ??= []).push(option.content);
  }
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Freight',
    // No name: the server derives it from the content, as Kargo does.
    metadata: { namespace: project } as KargoManifest['metadata'],
    origin: { kind: 'Warehouse', name: warehouse },
    ...fields,
  };
}
