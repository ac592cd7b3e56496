import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';

type Artifacts = {
  images?: Array<{ repoURL: string; tag?: string; digest?: string }>;
  commits?: Array<{ repoURL: string; id: string; tag?: string }>;
  charts?: Array<{ repoURL: string; name?: string; version: string }>;
  artifacts?: Array<{ subscriptionName: string; version: string }>;
};

/** The last path segment of a repository URL: `ghcr.io/acme/web` → `web`. */
function shortName(repoURL: string): string {
  return (
    repoURL
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean)
      .pop() ?? repoURL
  );
}

/** `web:1.4.0, config@7c471ea, app 2.0.1`: what a piece of Freight carries. */
export function describeArtifacts(freight: KargoManifest): string {
  const {
    images = [],
    commits = [],
    charts = [],
    artifacts = [],
  } = freight as unknown as Artifacts;
  return [
    ...images.map(
      i => `${shortName(i.repoURL)}:${i.tag ?? i.digest?.slice(7, 19)}`,
    ),
    ...commits.map(c => `${shortName(c.repoURL)}@${c.tag ?? c.id.slice(0, 7)}`),
    ...charts.map(c => `${c.name ?? shortName(c.repoURL)} ${c.version}`),
    ...artifacts.map(a => `${a.subscriptionName} ${a.version}`),
  ].join(', ');
}

/** `calm-fox (web:1.4.0)`, or the short name when there is no alias. */
export function describeFreight(freight: KargoManifest): string {
  const alias =
    (freight.alias as string | undefined) ?? freight.metadata.name.slice(0, 7);
  const artifacts = describeArtifacts(freight);
  return artifacts ? `${alias} (${artifacts})` : alias;
}
