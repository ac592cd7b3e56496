/*
 * Freight naming, identical to Kargo's: the same artifacts from the same
 * origin get the same name here and in Kargo (Kargo: api.GenerateFreightID in
 * pkg/api/freight.go, which the Warehouse controller and the Freight
 * defaulting webhook use to set metadata.name).
 *
 * The name is the SHA-1, in lower-case hex, of
 *
 *   "<origin kind>/<origin name>:" + sorted(artifact strings).join("|")
 *
 * where each artifact contributes one canonical string (see
 * canonicalArtifactStrings). The strings are sorted, so the order of artifacts
 * in the Freight does not matter.
 */

import { compareGoStrings, goPathJoin } from './goText';
import { sha1Hex } from './sha1';
import { normalizeChartRepoURL, normalizeGitURL } from './urls';

export {
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
  sanitizeURL,
} from './urls';

/** Where a piece of Freight came from. Kargo accepts only kind "Warehouse" today. */
export type FreightOrigin = {
  kind: string;
  name: string;
};

/** A specific commit from a specific Git repository (Kargo: GitCommit). */
export type GitCommit = {
  /** URL of the Git repository. */
  repoURL: string;
  /** ID (SHA) of the commit. */
  id: string;
  /** Branch on which the commit was found. */
  branch?: string;
  /** Tag that matched the selection criteria and resolved to this commit. */
  tag?: string;
  /** First line of the commit message. */
  message?: string;
  author?: string;
  committer?: string;
  /** Name of the subscription that discovered the commit, if it was given one. */
  subscriptionName?: string;
};

/** A specific version of a container image (Kargo: Image). */
export type Image = {
  /** Repository in which the image is found, e.g. "ghcr.io/example/app". */
  repoURL: string;
  tag?: string;
  /** e.g. "sha256:..." */
  digest?: string;
  /** Arbitrary metadata for the image. */
  annotations?: Record<string, string>;
  /** Name of the subscription that discovered the image, if it was given one. */
  subscriptionName?: string;
};

/** A specific version of a Helm chart (Kargo: Chart). */
export type Chart = {
  /**
   * Chart repository URL: a classic http(s) repository (then `name` names the
   * chart in it) or an OCI repository (oci://..., which points at the chart
   * itself; `name` is then empty).
   */
  repoURL: string;
  name?: string;
  version: string;
  /** Name of the subscription that discovered the chart, if it was given one. */
  subscriptionName?: string;
};

/**
 * A specific version of an artifact other than a commit, image or chart
 * (Kargo: ArtifactReference).
 */
export type GenericArtifact = {
  /** Type of the artifact, often a media (MIME) type. */
  artifactType: string;
  /** Name of the subscription that discovered the artifact (required for these). */
  subscriptionName: string;
  /** A specific revision of the artifact. */
  version: string;
  /** A JSON object of mostly opaque artifact attributes. */
  metadata?: Record<string, unknown>;
};

/** What identifies a piece of Freight: its origin and its artifacts (Kargo's Freight fields of the same names). */
export type FreightContent = {
  origin: FreightOrigin;
  commits?: GitCommit[];
  images?: Image[];
  charts?: Chart[];
  artifacts?: GenericArtifact[];
};

function withSubscription(base: string, subscriptionName?: string): string {
  return subscriptionName ? `${base}:${subscriptionName}` : base;
}

/**
 * Canonical string for a commit: "<normalised repo URL>:<id>", or
 * "<normalised repo URL>:<tag>:<id>" when a tag is set (one commit can carry
 * several tags, and each must yield distinct Freight), then ":<subscription
 * name>" when one is set.
 */
export function commitCanonicalString(commit: GitCommit): string {
  const repo = normalizeGitURL(commit.repoURL ?? '');
  const id = commit.id ?? '';
  const base = commit.tag ? `${repo}:${commit.tag}:${id}` : `${repo}:${id}`;
  return withSubscription(base, commit.subscriptionName);
}

/**
 * Canonical string for an image: "<repo URL>:<tag>@<digest>", with both tag
 * and digest (either may be empty) and the repo URL as given (not
 * normalised), then ":<subscription name>" when one is set.
 */
export function imageCanonicalString(image: Image): string {
  const base = `${image.repoURL ?? ''}:${image.tag ?? ''}@${
    image.digest ?? ''
  }`;
  return withSubscription(base, image.subscriptionName);
}

/**
 * Canonical string for a chart: Go's path.Join(normalised repo URL, name),
 * then ":<version>", then ":<subscription name>" when one is set. path.Join
 * also cleans the path, so "https://charts.example.com" + "app" becomes
 * "https:/charts.example.com/app", exactly as in Kargo.
 */
export function chartCanonicalString(chart: Chart): string {
  const base = `${goPathJoin(
    normalizeChartRepoURL(chart.repoURL ?? ''),
    chart.name ?? '',
  )}:${chart.version ?? ''}`;
  return withSubscription(base, chart.subscriptionName);
}

/** Canonical string for a generic artifact: "<artifact type>:<subscription name>:<version>". */
export function artifactCanonicalString(artifact: GenericArtifact): string {
  return `${artifact.artifactType ?? ''}:${artifact.subscriptionName ?? ''}:${
    artifact.version ?? ''
  }`;
}

/** The origin as Kargo prints it: "<kind>/<name>". */
export function freightOriginString(origin: FreightOrigin): string {
  return `${origin.kind}/${origin.name}`;
}

/**
 * The canonical strings of all the Freight's artifacts, sorted as Kargo sorts
 * them (by UTF-8 bytes), i.e. exactly the strings hashed into the Freight's
 * name, in order.
 */
export function canonicalArtifactStrings(content: FreightContent): string[] {
  const parts = [
    ...(content.commits ?? []).map(commitCanonicalString),
    ...(content.images ?? []).map(imageCanonicalString),
    ...(content.charts ?? []).map(chartCanonicalString),
    ...(content.artifacts ?? []).map(artifactCanonicalString),
  ];
  return parts.sort(compareGoStrings);
}

/** The exact text whose SHA-1 is the Freight's name. */
export function freightNameHashInput(content: FreightContent): string {
  return `${freightOriginString(content.origin)}:${canonicalArtifactStrings(
    content,
  ).join('|')}`;
}

/**
 * The name Kargo gives a piece of Freight with this origin and these
 * artifacts: 40 lower-case hex characters.
 */
export function computeFreightName(content: FreightContent): string {
  return sha1Hex(freightNameHashInput(content));
}
