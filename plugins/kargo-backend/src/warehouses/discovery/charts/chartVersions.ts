import {
  parseSemverConstraint,
  satisfiesSemverConstraint,
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

export type ParsedVersion = {
  original: string;
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string[];
};

const NUM = '(0|[1-9]\\d*)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const PRE = `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?`;
const BUILD = '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?';
// Masterminds NewVersion: "v" prefix and partial versions allowed.
const LOOSE_RE = new RegExp(
  `^v?${NUM}(?:\\.${NUM})?(?:\\.${NUM})?${PRE}${BUILD}$`,
);
// Masterminds StrictNewVersion: exactly SemVer 2.0.0.
const STRICT_RE = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}${PRE}${BUILD}$`);
const UINT64_MAX = (1n << 64n) - 1n;
/** Versions longer than this are not versions (bounds regex work). */
const MAX_VERSION_LENGTH = 256;

function parseWith(re: RegExp, text: string): ParsedVersion | undefined {
  if (typeof text !== 'string' || text.length > MAX_VERSION_LENGTH) {
    return undefined;
  }
  const m = re.exec(text);
  if (!m) return undefined;
  const [major, minor, patch] = [m[1], m[2] ?? '0', m[3] ?? '0'].map(BigInt);
  if (major > UINT64_MAX || minor > UINT64_MAX || patch > UINT64_MAX) {
    return undefined;
  }
  return {
    original: text,
    major,
    minor,
    patch,
    pre: m[4] ? m[4].split('.') : [],
  };
}

/** A classic repository index version, read as semver.NewVersion does. */
export function parseLooseVersion(text: string): ParsedVersion | undefined {
  return parseWith(LOOSE_RE, text);
}

/**
 * An OCI tag as a chart version: "_" stands for "+" (Helm's encoding), then
 * strict SemVer. The returned `original` is the decoded version ("1.0.0+b").
 */
export function parseOciTagVersion(tag: string): ParsedVersion | undefined {
  return parseWith(STRICT_RE, tag.replace(/_/g, '+'));
}

function cmp(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
const NUMERIC = /^\d+$/;

function comparePrePart(a: string, b: string): number {
  if (a === b) return 0;
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return cmp(BigInt(a), BigInt(b));
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : 1;
}

/** Semantic precedence; build metadata does not count. */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  const core =
    cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (core) return core;
  if (!a.pre.length || !b.pre.length) {
    // A release is greater than its prereleases.
    return Math.sign(b.pre.length - a.pre.length);
  }
  const n = Math.max(a.pre.length, b.pre.length);
  for (let i = 0; i < n; i++) {
    if (i >= a.pre.length) return -1;
    if (i >= b.pre.length) return 1;
    const c = comparePrePart(a.pre[i], b.pre[i]);
    if (c) return c;
  }
  return 0;
}

const byteCompare = (a: string, b: string) =>
  Buffer.compare(Buffer.from(a), Buffer.from(b));

/** A compiled `semverConstraint`; `undefined` text means "any version". */
export type VersionMatcher = (v: ParsedVersion) => boolean;

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
  const formatted = (v: ParsedVersion) =>
    `${v.major}.${v.minor}.${v.patch}${
      v.pre.length ? `-${v.pre.join('.')}` : ''
    }`;
  return v => satisfiesSemverConstraint(formatted(v), range);
}

/**
 * Filters, sorts highest first and truncates to `limit`, returning the
 * versions' original texts.
 */
export function selectVersions(
  versions: Iterable<ParsedVersion>,
  matches: VersionMatcher,
  limit: number,
): string[] {
  const kept: ParsedVersion[] = [];
  for (const v of versions) if (matches(v)) kept.push(v);
  kept.sort(
    (a, b) => compareVersions(b, a) || byteCompare(b.original, a.original),
  );
  return kept.slice(0, limit).map(v => v.original);
}
