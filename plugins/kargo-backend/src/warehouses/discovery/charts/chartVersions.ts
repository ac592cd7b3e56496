import {
  MastermindsVersion,
  parseMastermindsVersion,
  parseSemverConstraint,
  satisfiesSemverConstraint,
  sortVersionsDescending,
} from '@kargo-backstage/plugin-kargo-common';
import { DiscoveryError } from '../types';

/*
 * Version selection as Kargo's chart selectors do it (pkg/helm/chart,
 * Masterminds/semver v3):
 *
 * - classic repositories read each index entry's version loosely
 *   (semver.NewVersion: optional "v", missing minor/patch allowed), OCI tags
 *   strictly (semver.StrictNewVersion, after turning every "_" back into "+",
 *   as `helm push` encodes "+" as "_" in tags); unparsable versions are
 *   silently skipped;
 * - without a constraint every version is kept, prereleases included; with
 *   one, Masterminds' rules apply (prereleases only when the constraint
 *   mentions one);
 * - sorted highest first (build metadata ignored), ties broken by the
 *   original text in descending byte order; the original text is returned.
 */

/** Versions longer than this are not versions (bounds regex work). */
const MAX_VERSION_LENGTH = 256;

/** A classic repository index version, read as semver.NewVersion does. */
export function parseLooseVersion(
  text: string,
): MastermindsVersion | undefined {
  if (typeof text !== 'string' || text.length > MAX_VERSION_LENGTH) {
    return undefined;
  }
  return parseMastermindsVersion(text);
}

/**
 * An OCI tag as a chart version: "_" stands for "+" (Helm's encoding), then
 * strict SemVer. The returned `original` is the decoded version ("1.0.0+b").
 */
export function parseOciTagVersion(
  tag: string,
): MastermindsVersion | undefined {
  const text = tag.replace(/_/g, '+');
  if (text.length > MAX_VERSION_LENGTH) return undefined;
  return parseMastermindsVersion(text, { strict: true, allowLeadingV: false });
}

/** A compiled `semverConstraint`; `undefined` text means "any version". */
export type VersionMatcher = (v: MastermindsVersion) => boolean;

export function compileConstraint(constraint?: string): VersionMatcher {
  if (constraint === undefined || constraint === '') return () => true;
  const parsed = parseSemverConstraint(constraint);
  if (!parsed.ok) {
    throw new DiscoveryError(
      'InvalidSubscription',
      `semverConstraint "${constraint}" is invalid: ${parsed.reason}`,
    );
  }
  const range = parsed.range;
  const formatted = (v: MastermindsVersion) =>
    `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
  return v => satisfiesSemverConstraint(formatted(v), range);
}

/**
 * Filters, sorts highest first and truncates to `limit`, returning the
 * versions' original texts.
 */
export function selectVersions(
  versions: Iterable<MastermindsVersion>,
  matches: VersionMatcher,
  limit: number,
): string[] {
  const kept: MastermindsVersion[] = [];
  for (const v of versions) if (matches(v)) kept.push(v);
  return sortVersionsDescending(kept)
    .slice(0, limit)
    .map(v => v.original);
}
