import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import type { FreightContent } from './kargoTypes';

/**
 * One artifact of a piece of Freight, reduced to what the UI compares:
 * `key` identifies the artifact across Freight (same repository), `version`
 * is what changes between them.
 */
export type Artifact = {
  kind: 'image' | 'commit' | 'chart' | 'artifact';
  key: string;
  /** Short display name: `web`, `guestbook-src`, `app`. */
  name: string;
  /** Short version: an image tag, a 7-character commit ID, a chart version. */
  version: string;
  /** The full version, e.g. the whole commit ID, for links. */
  fullVersion: string;
  repoURL?: string;
};

/** The last path segment of a repository URL: `ghcr.io/acme/web` → `web`. */
export function shortRepoName(repoURL: string): string {
  return (
    repoURL
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean)
      .pop() ?? repoURL
  );
}

const content = (freight: KargoManifest) =>
  freight as unknown as FreightContent;

export function artifactsOf(freight: KargoManifest): Artifact[] {
  const {
    images = [],
    commits = [],
    charts = [],
    artifacts = [],
  } = content(freight);
  return [
    ...images.map((i): Artifact => {
      const version = i.tag ?? i.digest?.slice(7, 19) ?? '';
      return {
        kind: 'image',
        key: `image:${i.repoURL}`,
        name: shortRepoName(i.repoURL),
        version,
        fullVersion: i.tag ?? i.digest ?? '',
        repoURL: i.repoURL,
      };
    }),
    ...commits.map(
      (c): Artifact => ({
        kind: 'commit',
        key: `commit:${c.repoURL}`,
        name: shortRepoName(c.repoURL),
        version: c.tag ?? c.id?.slice(0, 7) ?? '',
        fullVersion: c.tag ?? c.id ?? '',
        repoURL: c.repoURL,
      }),
    ),
    ...charts.map(
      (c): Artifact => ({
        kind: 'chart',
        key: `chart:${c.repoURL}/${c.name ?? ''}`,
        name: c.name ?? shortRepoName(c.repoURL),
        version: c.version,
        fullVersion: c.version,
        repoURL: c.repoURL,
      }),
    ),
    ...artifacts.map(
      (a): Artifact => ({
        kind: 'artifact',
        key: `artifact:${a.artifactType ?? ''}:${a.subscriptionName}`,
        name: a.subscriptionName,
        version: a.version,
        fullVersion: a.version,
      }),
    ),
  ];
}

/** `web:1.4.0`, `config@7c471ea`, `app 2.0.1`: one artifact in a line. */
export function describeArtifact(artifact: Artifact): string {
  switch (artifact.kind) {
    case 'image':
      return `${artifact.name}:${artifact.version}`;
    case 'commit':
      return `${artifact.name}@${artifact.version}`;
    default:
      return `${artifact.name} ${artifact.version}`;
  }
}

/** `web:1.4.0, config@7c471ea`: what a piece of Freight carries. */
export function describeArtifacts(freight: KargoManifest): string {
  return artifactsOf(freight).map(describeArtifact).join(', ');
}

/** The Freight's alias, or the start of its name when it has none. */
export function freightAlias(freight: KargoManifest): string {
  return content(freight).alias ?? freight.metadata.name.slice(0, 7);
}

/** `calm-fox (web:1.4.0)`, or the alias alone when it carries nothing. */
/** describeFreight when the Freight is known, else its name's first 7 characters. */
export function describeFreightNamed(
  name: string,
  freight: KargoManifest | undefined,
): string {
  return freight ? describeFreight(freight) : name.slice(0, 7);
}

export function describeFreight(freight: KargoManifest): string {
  const artifacts = describeArtifacts(freight);
  const alias = freightAlias(freight);
  return artifacts ? `${alias} (${artifacts})` : alias;
}

/** The Warehouse the Freight comes from. */
export function freightOrigin(freight: KargoManifest): string {
  return content(freight).origin?.name ?? '';
}

/** When the Freight was discovered (its creation time if not recorded). */
export function discoveredAt(freight: KargoManifest): number {
  const at =
    content(freight).discoveredAt ?? freight.metadata.creationTimestamp;
  return at ? Date.parse(at) : 0;
}
