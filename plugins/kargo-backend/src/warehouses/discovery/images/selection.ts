/**
 * The pure parts of Kargo's image selection: tag filters, semantic version
 * parsing and ordering (Masterminds/semver v3 rules), lexical ordering,
 * platform constraints and creation times.
 */
import { checkGoRegex } from '@kargo-backstage/plugin-kargo-common';

/** A Go (RE2) regular expression compiled into an equivalent JS RegExp. */
export function compileGoRegex(pattern: string): RegExp {
  const problem = checkGoRegex(pattern);
  if (problem) throw new Error(problem);
  let flags = '';
  let source = pattern;
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    flags = [...new Set(leading[1])].join('');
    source = source.slice(leading[0].length);
  }
  // Go-only spellings JavaScript does not know (checkGoRegex accepted them).
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\z/g, '$1$2$');
  return new RegExp(source, flags);
}

/** Tag filters of tag-based strategies (Kargo: tagBasedSelector.MatchesTag). */
export class TagFilter {
  constructor(
    private readonly allow: RegExp[],
    private readonly ignore: RegExp[],
  ) {}

  matches(tag: string): boolean {
    if (this.ignore.some(re => re.test(tag))) return false;
    return this.allow.length === 0 || this.allow.some(re => re.test(tag));
  }
}

export type TagVersion = {
  major: bigint;
  minor: bigint;
  patch: bigint;
  prerelease: string;
  original: string;
};

// Masterminds NewVersion (v3.3): optional `v`, optional minor/patch.
const VERSION_RE =
  /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
// Masterminds StrictNewVersion, applied after trimming one leading `v`.
const STRICT_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Reads a tag as a semantic version the way Kargo does (semver.Parse): any
 * Masterminds version, and with `strict` only full major.minor.patch ones
 * (a leading `v` is still allowed).
 */
export function parseTagVersion(
  tag: string,
  strict: boolean,
): TagVersion | undefined {
  const m = VERSION_RE.exec(tag);
  if (!m) return undefined;
  if (strict && !STRICT_RE.test(tag.startsWith('v') ? tag.slice(1) : tag)) {
    return undefined;
  }
  const [major, minor, patch] = [m[1], m[2] ?? '0', m[3] ?? '0'].map(BigInt);
  if ([major, minor, patch].some(n => n > UINT64_MAX)) return undefined;
  return { major, minor, patch, prerelease: m[4] ?? '', original: tag };
}

const NUMERIC = /^\d+$/;

function comparePrereleasePart(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return BigInt(a) > BigInt(b) ? 1 : -1;
  if (an) return -1;
  if (bn) return 1;
  return a > b ? 1 : -1;
}

/** Masterminds Version.Compare (build metadata ignored). */
export function compareVersions(a: TagVersion, b: TagVersion): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  const ap = a.prerelease.split('.');
  const bp = b.prerelease.split('.');
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    const d = comparePrereleasePart(ap[i] ?? '', bp[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Go's strings.Compare on ASCII/UTF-8 tags (byte order, not locale). */
export function compareStrings(a: string, b: string): number {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ab, bb);
}

/** Highest version first; equal versions by their text, descending. */
export function sortVersionsDescending(versions: TagVersion[]): TagVersion[] {
  return [...versions].sort(
    (l, r) => compareVersions(r, l) || compareStrings(r.original, l.original),
  );
}

/** Reverse lexical order (Kargo: slices.Sort then slices.Reverse). */
export function sortLexicalDescending(tags: string[]): string[] {
  return [...tags].sort((l, r) => compareStrings(r, l));
}

export type PlatformConstraint = { os: string; arch: string; variant: string };

/** `os/arch[/variant]` (Kargo: parsePlatformConstraint). */
export function parsePlatformConstraint(
  text: string,
): PlatformConstraint | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const os = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  const second = rest.indexOf('/');
  return second < 0
    ? { os, arch: rest, variant: '' }
    : { os, arch: rest.slice(0, second), variant: rest.slice(second + 1) };
}

export function platformMatches(
  constraint: PlatformConstraint,
  platform: { os: string; arch: string; variant?: string },
): boolean {
  return (
    constraint.os === platform.os &&
    constraint.arch === platform.arch &&
    constraint.variant === (platform.variant ?? '')
  );
}

const OCI_CREATED = 'org.opencontainers.image.created';
const LABEL_SCHEMA_BUILD_DATE = 'org.label-schema.build-date';
const RFC3339_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Go's time.Parse(time.RFC3339, …) into epoch milliseconds. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339_RE.exec(text);
  if (!m) return undefined;
  const [, , mo, d, h, mi, s] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The creation time in OCI / label-schema metadata (annotations or labels). */
export function creationTimeFromMetadata(
  metadata: Record<string, string> | undefined,
): number | undefined {
  if (!metadata) return undefined;
  for (const key of [OCI_CREATED, LABEL_SCHEMA_BUILD_DATE]) {
    const value = metadata[key];
    if (value !== undefined) {
      const t = parseRfc3339(value);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

/**
 * Kargo's getCreationTime for one image: the manifest's annotations win;
 * else the config's `created`, unless a label says later.
 */
export function imageCreationTime(
  annotations: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
  configCreated: string | undefined,
): number {
  const fromAnnotations = creationTimeFromMetadata(annotations);
  if (fromAnnotations !== undefined) return fromAnnotations;
  let created =
    (configCreated !== undefined ? parseRfc3339(configCreated) : undefined) ??
    goZeroTime();
  const fromLabels = creationTimeFromMetadata(labels);
  if (fromLabels !== undefined && fromLabels > created) created = fromLabels;
  return created;
}

/** Go's zero time.Time (0001-01-01), what a config without `created` yields. */
function goZeroTime(): number {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

/** RFC 3339 with second precision in UTC, as Kubernetes serialises times. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}Z`;
}
