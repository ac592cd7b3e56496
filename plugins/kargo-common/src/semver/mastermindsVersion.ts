/**
 * Versions as Kargo reads them: Masterminds/semver v3 parsing and ordering,
 * shared by every place that turns a tag, chart version or constraint
 * version into something comparable.
 */

/** A parsed Masterminds version (Version in github.com/Masterminds/semver/v3). */
export type MastermindsVersion = {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Dot-separated prerelease identifiers, without the `-`; '' when none. */
  prerelease: string;
  /** Build metadata, without the `+`; '' when none. */
  metadata: string;
  /** The text the version was parsed from. */
  original: string;
};

export type ParseMastermindsVersionOptions = {
  /**
   * Kargo's semver.Parse(strict): also require StrictNewVersion to accept
   * the text after trimming one leading `v` (major.minor.patch required).
   */
  strict?: boolean;
  /**
   * When false, a leading `v` is refused (Masterminds StrictNewVersion on
   * the text itself, as Helm reads OCI tags). Default true.
   */
  allowLeadingV?: boolean;
};

const NUM = '(0|[1-9]\\d*)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const PRE = `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?`;
const BUILD = '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?';
// Masterminds NewVersion (v3.3): optional `v`, optional minor/patch.
const LOOSE_RE = new RegExp(
  `^v?${NUM}(?:\\.${NUM})?(?:\\.${NUM})?${PRE}${BUILD}$`,
);
// Masterminds StrictNewVersion: exactly SemVer 2.0.0.
const STRICT_RE = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}${PRE}${BUILD}$`);
const UINT64_MAX = (1n << 64n) - 1n;
const DIGITS = /^\d+$/;

/**
 * Parses a version as Masterminds' NewVersion does (a leading `v` and missing
 * minor/patch parts allowed; parts must fit in a uint64); see
 * {@link ParseMastermindsVersionOptions} for the strict forms. Undefined
 * when the text is not a version.
 */
export function parseMastermindsVersion(
  text: string,
  options: ParseMastermindsVersionOptions = {},
): MastermindsVersion | undefined {
  if (typeof text !== 'string') return undefined;
  if (options.allowLeadingV === false && text.startsWith('v')) {
    return undefined;
  }
  const m = LOOSE_RE.exec(text);
  if (!m) return undefined;
  if (
    options.strict &&
    !STRICT_RE.test(text.startsWith('v') ? text.slice(1) : text)
  ) {
    return undefined;
  }
  const [major, minor, patch] = [m[1], m[2] ?? '0', m[3] ?? '0'].map(BigInt);
  if (major > UINT64_MAX || minor > UINT64_MAX || patch > UINT64_MAX) {
    return undefined;
  }
  return {
    major,
    minor,
    patch,
    prerelease: m[4] ?? '',
    metadata: m[5] ?? '',
    original: text,
  };
}

/** Go's strconv.ParseUint(s, 10, 64). */
function parseUint64(s: string): bigint | undefined {
  if (!DIGITS.test(s)) return undefined;
  const n = BigInt(s);
  return n > UINT64_MAX ? undefined : n;
}

/** Masterminds comparePrePart. */
function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const si = parseUint64(s);
  const oi = parseUint64(o);
  if (si === undefined && oi === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1; // a number sorts below a string
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

/**
 * Masterminds Version.Compare: -1, 0 or 1 by semantic precedence (a release
 * above its prereleases; build metadata ignored).
 */
export function compareMastermindsVersions(
  a: MastermindsVersion,
  b: MastermindsVersion,
): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  const ap = a.prerelease.split('.');
  const bp = b.prerelease.split('.');
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    const d = comparePrePart(ap[i] ?? '', bp[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** The code point at `i`; a lone surrogate counts as U+FFFD, as in UTF-8. */
function codePointAt(s: string, i: number): number {
  const c = s.codePointAt(i)!;
  return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
}

/**
 * Go's strings.Compare: -1, 0 or 1 by the byte order of the UTF-8 encodings
 * (code point order, not UTF-16 or locale order).
 */
export function compareGoStrings(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = codePointAt(a, i);
    const cb = codePointAt(b, j);
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

/** Highest version first; equal versions by their original text, descending. */
export function sortVersionsDescending<T extends MastermindsVersion>(
  versions: readonly T[],
): T[] {
  return [...versions].sort(
    (l, r) =>
      compareMastermindsVersions(r, l) ||
      compareGoStrings(r.original, l.original),
  );
}
