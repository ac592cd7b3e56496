/*
 * Tag names read as versions the way Kargo reads them (Masterminds/semver v3
 * through Kargo's semver.Parse): a loose parse (leading `v`, missing minor
 * and patch allowed), and with strictSemvers also a strict parse of the name
 * without its leading `v` (major.minor.patch required).
 */

export type TagVersion = {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  original: string;
};

const LOOSE_RE =
  /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const STRICT_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parses a tag as a version; undefined when it is not one. */
export function parseTagVersion(
  tag: string,
  strict: boolean,
): TagVersion | undefined {
  const m = LOOSE_RE.exec(tag);
  if (!m) return undefined;
  if (strict && !STRICT_RE.test(tag.startsWith('v') ? tag.slice(1) : tag)) {
    return undefined;
  }
  const nums = [m[1], m[2] ?? '0', m[3] ?? '0'].map(Number);
  if (nums.some(n => !Number.isSafeInteger(n))) return undefined;
  return {
    major: nums[0],
    minor: nums[1],
    patch: nums[2],
    prerelease: m[4] ? m[4].split('.') : [],
    original: tag,
  };
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an) return -1;
  if (bn) return 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Semver precedence (build metadata ignored), like Masterminds' Compare. */
export function compareTagVersions(a: TagVersion, b: TagVersion): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  const ap = a.prerelease;
  const bp = b.prerelease;
  if (ap.length === 0 || bp.length === 0) {
    if (ap.length === bp.length) return 0;
    return ap.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    if (i >= ap.length) return -1;
    if (i >= bp.length) return 1;
    const c = compareIdentifiers(ap[i], bp[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Go's strings.Compare: byte-wise order of the UTF-8 encodings. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
