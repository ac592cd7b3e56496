import semver from 'semver';
import { parseMastermindsVersion } from './mastermindsVersion';

/**
 * Kargo matches versions with the Go library Masterminds/semver (v3). Its
 * constraint syntax looks like npm's but differs in important ways:
 *
 * - comparators inside a group are joined by commas or spaces (AND), groups by
 *   `||` (OR); `a - b` is a hyphen range;
 * - `x`, `X` and `*` are wildcards, and missing minor/patch parts act as
 *   wildcards too (`1.2` means `1.2.x`);
 * - `=`/bare versions with wildcards behave like `~`, `!=` exists, `~>` is an
 *   alias of `~`, `=>`/`=<` are aliases of `>=`/`<=`;
 * - a prerelease version only satisfies a group that mentions a prerelease
 *   somewhere; then any prerelease inside the group's bounds matches.
 *
 * This module parses that syntax (reproducing the library's grammar, including
 * its quirks) and rewrites it into a node-semver range made only of primitive
 * comparators, so node-semver never re-interprets wildcards its own way.
 */

export type SemverConstraintResult =
  | { ok: true; range: string }
  | { ok: false; reason: string };

// Go's `\s` is ASCII-only; keep that so exotic spaces are rejected as in Kargo.
const WS = '[\\t\\n\\f\\r ]';
// Operator alternation in the library's own order. The empty alternative is
// what makes a bare version a valid comparator.
const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
// Loose version grammar used by the library when scanning constraints. The
// character classes really do include `|` (a quirk kept for fidelity; such
// versions are rejected later when parsed strictly).
const CV =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';

const CONSTRAINT_RE = new RegExp(`^${WS}*(${OPS})${WS}*(${CV})${WS}*$`);
const RANGE_RE = new RegExp(`${WS}*(${CV})${WS}+-${WS}+(${CV})${WS}*`, 'g');
const FIND_RE = new RegExp(`(${OPS})${WS}*(${CV})`, 'g');
const VALID_GROUP_RE = new RegExp(
  `^(${WS}*(${OPS})${WS}*(${CV})${WS}*)((?:${WS}+|,${WS}*)(${OPS})${WS}*(${CV})${WS}*)*$`,
);
/** Longer constraints are refused to keep regex work bounded. */
const MAX_CONSTRAINT_LENGTH = 1024;
/** `!=` splits a group in two; refuse pathological expansions. */
const MAX_GROUPS = 256;

interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

interface Comparator {
  op: string;
  con: Version;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

class ConstraintError extends Error {}

const isWildcard = (s: string | undefined) =>
  s === 'x' || s === 'X' || s === '*';

/**
 * A version read as Masterminds' NewVersion reads it, with its parts as
 * numbers for node-semver (undefined when they exceed its safe range).
 */
function parseVersion(text: string): Version | undefined {
  const v = parseMastermindsVersion(text);
  if (!v) return undefined;
  const nums = [v.major, v.minor, v.patch].map(Number);
  if (nums.some(n => !Number.isSafeInteger(n))) return undefined;
  return {
    major: nums[0],
    minor: nums[1],
    patch: nums[2],
    pre: v.prerelease,
  };
}

function parseComparator(text: string): Comparator {
  const m = CONSTRAINT_RE.exec(text);
  if (!m) throw new ConstraintError(`improper constraint "${text.trim()}"`);
  const [, op, whole, major, dotMinor, dotPatch, dashPre] = m;
  const pre = dashPre ?? '';
  let ver = whole;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  // Missing or wildcard parts make the comparator "dirty", exactly as the
  // library does: the wildcard part and everything after it become zero.
  if (isWildcard(major)) {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (!dotMinor || isWildcard(dotMinor.slice(1))) {
    ver = `${major}.0.0${pre}`;
    dirty = true;
    minorDirty = true;
  } else if (!dotPatch || isWildcard(dotPatch.slice(1))) {
    ver = `${major}${dotMinor}.0${pre}`;
    dirty = true;
    patchDirty = true;
  }
  const con = parseVersion(ver);
  if (!con) throw new ConstraintError(`invalid version "${whole}"`);
  return { op, con, dirty, minorDirty, patchDirty };
}

const fmt = (v: Version) =>
  `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ''}`;

/**
 * Converts one comparator into alternatives (OR) of AND-ed node comparators.
 * `bound` builds versions that come from wildcard boundaries: in a group that
 * admits prereleases they get `-0` so prereleases just below or at the bound
 * are handled like the library handles them.
 */
function toNode(c: Comparator, bound: (v: string) => string): string[][] {
  const { con, op } = c;
  const { major: M, minor: m, patch: p } = con;
  const tilde = (): string[][] => {
    if (M === 0 && m === 0 && p === 0 && !c.minorDirty && !c.patchDirty) {
      return [[`>=${fmt(con)}`]];
    }
    const upper = c.minorDirty ? `${M + 1}.0.0` : `${M}.${m + 1}.0`;
    return [[`>=${fmt(con)}`, `<${bound(upper)}`]];
  };
  switch (op) {
    case '':
    case '=':
      return c.dirty ? tilde() : [[fmt(con)]];
    case '~':
    case '~>':
      return tilde();
    case '^': {
      let upper: string;
      if (M > 0 || c.minorDirty) upper = `${M + 1}.0.0`;
      else if (m > 0 || c.patchDirty) upper = `0.${m + 1}.0`;
      else upper = `0.0.${p + 1}`;
      return [[`>=${fmt(con)}`, `<${bound(upper)}`]];
    }
    case '>':
      if (c.minorDirty) return [[`>=${bound(`${M + 1}.0.0`)}`]];
      if (c.patchDirty) return [[`>=${bound(`${M}.${m + 1}.0`)}`]];
      return [[`>${fmt(con)}`]];
    case '<':
      return [[`<${fmt(con)}`]];
    case '>=':
    case '=>':
      return [[`>=${fmt(con)}`]];
    case '<=':
    case '=<':
      if (c.minorDirty) return [[`<${bound(`${M + 1}.0.0`)}`]];
      if (c.dirty) return [[`<${bound(`${M}.${m + 1}.0`)}`]];
      return [[`<=${fmt(con)}`]];
    case '!=':
      if (c.minorDirty) {
        return [[`<${bound(`${M}.0.0`)}`], [`>=${bound(`${M + 1}.0.0`)}`]];
      }
      if (c.patchDirty) {
        return [
          [`<${bound(`${M}.${m}.0`)}`],
          [`>=${bound(`${M}.${m + 1}.0`)}`],
        ];
      }
      return [[`<${fmt(con)}`], [`>${fmt(con)}`]];
    default:
      throw new ConstraintError(`unknown operator "${op}"`);
  }
}

/** Go's strings.Replace(s, old, new, 1). */
const replaceFirst = (s: string, old: string, repl: string) => {
  const i = s.indexOf(old);
  return i < 0 ? s : s.slice(0, i) + repl + s.slice(i + old.length);
};

/** Rewrites `a - b` hyphen ranges into `>= a, <= b` as the library does. */
function rewriteHyphenRanges(text: string): string {
  let out = text;
  for (const m of text.matchAll(RANGE_RE)) {
    out = replaceFirst(out, m[0], `>= ${m[1]}, <= ${m[11]} `);
  }
  return out;
}

function convertGroup(segment: string): string[][] {
  if (!VALID_GROUP_RE.test(segment)) {
    throw new ConstraintError(`improper constraint "${segment.trim()}"`);
  }
  const found = [...segment.matchAll(FIND_RE)].map(m => m[0]);
  const comparators = (found.length ? found : [segment]).map(parseComparator);
  // The library lets prereleases through only in groups mentioning one.
  const hasPre = comparators.some(c => c.con.pre !== '');
  const bound = (v: string) => (hasPre ? `${v}-0` : v);
  let alternatives: string[][] = [[]];
  for (const c of comparators) {
    const options = toNode(c, bound);
    alternatives = alternatives.flatMap(a => options.map(o => [...a, ...o]));
    if (alternatives.length > MAX_GROUPS) {
      throw new ConstraintError('too many "!=" comparators');
    }
  }
  return alternatives;
}

/**
 * Converts a Masterminds semver constraint (Kargo's syntax) into an
 * equivalent node-semver range made of primitive comparators.
 *
 * For constraints that mention no prerelease (the usual case) the range is
 * exact with plain `semver.satisfies(version, range)`. Groups that mention a
 * prerelease admit any prerelease within their bounds in Kargo; use
 * {@link satisfiesSemverConstraint} to get that behaviour.
 */
export function parseSemverConstraint(text: string): SemverConstraintResult {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, reason: 'constraint is empty' };
  }
  if (text.length > MAX_CONSTRAINT_LENGTH) {
    return { ok: false, reason: 'constraint is too long' };
  }
  try {
    const groups = rewriteHyphenRanges(text).split('||').flatMap(convertGroup);
    if (groups.length > MAX_GROUPS) {
      throw new ConstraintError('too many "!=" comparators');
    }
    const range = groups.map(g => g.join(' ')).join(' || ');
    const valid = semver.validRange(range);
    if (valid === null) {
      return { ok: false, reason: `cannot be represented ("${range}")` };
    }
    return { ok: true, range: valid };
  } catch (e) {
    if (e instanceof ConstraintError) return { ok: false, reason: e.message };
    throw e;
  }
}

/**
 * Answers whether a version satisfies a range produced by
 * {@link parseSemverConstraint}, with Kargo's prerelease rule: each OR group
 * that contains a prerelease comparator admits prereleases within its bounds;
 * other groups admit none. Versions are read the way Kargo reads them (a
 * leading `v` and missing minor/patch parts are allowed).
 */
export function satisfiesSemverConstraint(
  version: string,
  range: string,
): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  const normalized = fmt(v);
  return range.split('||').some(group => {
    const includePrerelease = group
      .trim()
      .split(/\s+/)
      .some(c => c.includes('-'));
    return semver.satisfies(normalized, group, { includePrerelease });
  });
}
