import {
  compileGoRegex,
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
  parseMastermindsVersion,
  parseSemverConstraint,
  satisfiesSemverConstraint,
} from '@kargo-backstage/plugin-kargo-common';
import {
  parsePathSelectors,
  pathsMatch,
} from '../warehouses/discovery/git/patterns';

/*
 * Which Warehouses an event concerns, as Kargo's refreshWarehouses and
 * shouldRefresh decide: a Warehouse is concerned when one of its
 * subscriptions' normalised repository URLs is among the event's; when the
 * event names refs/tags/versions ("qualifiers"), the subscription must also
 * be able to select one of them, and for Git pushes with a list of changed
 * files, at least one path must pass its include/exclude filters.
 *
 * Only repository URLs, refs and tags are taken from payloads, and only to
 * choose Warehouses: discovery itself reads the repositories.
 */

type Json = Record<string, unknown>;

/** What an event tells about changes, for choosing Warehouses. */
export type ChangeSet = {
  /** Normalised repository URLs ('' entries are ignored). */
  repoURLs: string[];
  /** Changed files of a Git push; empty = unknown (no path filtering). */
  changedFiles?: string[];
  /** Git refs, image tags or chart versions; empty = no filtering. */
  qualifiers?: string[];
};

/** The normalised URL of each subscription (Kargo's subscribed-URL index). */
export function subscribedURLs(spec: Json): string[] {
  const urls: string[] = [];
  for (const sub of subscriptionsOf(spec)) {
    const git = asObject(sub.git);
    const image = asObject(sub.image);
    const chart = asObject(sub.chart);
    if (git && typeof git.repoURL === 'string' && git.repoURL) {
      urls.push(normalizeGitURL(git.repoURL));
    }
    if (chart && typeof chart.repoURL === 'string' && chart.repoURL) {
      urls.push(normalizeChartRepoURL(chart.repoURL));
    }
    if (image && typeof image.repoURL === 'string' && image.repoURL) {
      urls.push(normalizeImageRepoURL(image.repoURL));
    }
  }
  return urls;
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function subscriptionsOf(spec: Json): Json[] {
  const subs = spec.subscriptions;
  return Array.isArray(subs)
    ? subs.map(asObject).filter((s): s is Json => !!s)
    : [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Sorted, de-duplicated, without '' (as Kargo cleans URL and qualifier lists). */
export function cleanList(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).filter(v => v !== ''))].sort();
}

/**
 * Tag filters shared by Git tag strategies and images: any ignore regex
 * rejects; with allow regexes, one must match. The deprecated single
 * `allowTags` regex and exact `ignoreTags` are honoured too.
 */
function tagAllowed(sub: Json, tag: string): boolean {
  const ignore = stringList(sub.ignoreTagsRegexes);
  if (ignore.some(re => compileGoRegex(re).test(tag))) return false;
  if (stringList(sub.ignoreTags).includes(tag)) return false;
  const allow = stringList(sub.allowTagsRegexes);
  if (typeof sub.allowTags === 'string' && sub.allowTags) {
    allow.push(sub.allowTags);
  }
  return allow.length === 0 || allow.some(re => compileGoRegex(re).test(tag));
}

/** Kargo's semver.Parse(tag, strict) followed by the constraint check. */
function semverTagMatches(
  tag: string,
  strict: boolean,
  constraint: unknown,
): boolean {
  if (!parseMastermindsVersion(tag, { strict })) return false;
  if (typeof constraint !== 'string' || constraint === '') return true;
  const parsed = parseSemverConstraint(constraint);
  return parsed.ok && satisfiesSemverConstraint(tag, parsed.range);
}

const BRANCH_PREFIX = 'refs/heads/';
const TAG_PREFIX = 'refs/tags/';

/** commit.Selector.MatchesRef. */
export function gitMatchesRef(sub: Json, ref: string): boolean {
  const strategy =
    typeof sub.commitSelectionStrategy === 'string' &&
    sub.commitSelectionStrategy
      ? sub.commitSelectionStrategy
      : 'NewestFromBranch';
  if (strategy === 'NewestFromBranch') {
    if (!ref.startsWith(BRANCH_PREFIX)) return false;
    const branch = ref.slice(BRANCH_PREFIX.length);
    const wanted = typeof sub.branch === 'string' ? sub.branch : '';
    // No branch: the default branch, assumed to be main or master.
    return wanted === ''
      ? branch === 'main' || branch === 'master'
      : branch === wanted;
  }
  if (!ref.startsWith(TAG_PREFIX)) return false;
  const tag = ref.slice(TAG_PREFIX.length);
  if (!tagAllowed(sub, tag)) return false;
  if (strategy === 'SemVer') {
    return semverTagMatches(
      tag,
      sub.strictSemvers !== false,
      sub.semverConstraint,
    );
  }
  return true; // Lexical, NewestTag
}

/** commit.Selector.MatchesPaths. */
export function gitMatchesPaths(sub: Json, paths: string[]): boolean {
  return pathsMatch(
    paths,
    parsePathSelectors(stringList(sub.includePaths)),
    parsePathSelectors(stringList(sub.excludePaths)),
  );
}

/** image.Selector.MatchesTag. */
export function imageMatchesTag(sub: Json, tag: string): boolean {
  const strategy =
    typeof sub.imageSelectionStrategy === 'string' && sub.imageSelectionStrategy
      ? sub.imageSelectionStrategy
      : 'SemVer';
  if (strategy === 'Digest') return sub.constraint === tag;
  if (!tagAllowed(sub, tag)) return false;
  if (strategy === 'SemVer') {
    return semverTagMatches(tag, sub.strictSemvers !== false, sub.constraint);
  }
  return true; // Lexical, NewestBuild
}

/** chart.Selector.MatchesVersion (Masterminds NewVersion, loose). */
export function chartMatchesVersion(sub: Json, version: string): boolean {
  return semverTagMatches(version, false, sub.semverConstraint);
}

/**
 * Kargo's shouldRefresh for one Warehouse spec and one event repository URL.
 * A subscription whose filters cannot be evaluated (an invalid pattern)
 * errs on the side of refreshing: discovery reports the real problem.
 */
export function warehouseConcerned(
  spec: Json,
  repoURL: string,
  changes: ChangeSet,
): boolean {
  const qualifiers = cleanList(changes.qualifiers);
  const changedFiles = changes.changedFiles ?? [];
  for (const sub of subscriptionsOf(spec)) {
    const git = asObject(sub.git);
    const image = asObject(sub.image);
    const chart = asObject(sub.chart);
    try {
      if (git && normalizeGitURL(String(git.repoURL ?? '')) === repoURL) {
        if (qualifiers.length === 0) return true;
        if (
          qualifiers.some(q => gitMatchesRef(git, q)) &&
          (changedFiles.length === 0 || gitMatchesPaths(git, changedFiles))
        ) {
          return true;
        }
      } else if (
        image &&
        normalizeImageRepoURL(String(image.repoURL ?? '')) === repoURL
      ) {
        if (qualifiers.length === 0) return true;
        if (qualifiers.some(q => imageMatchesTag(image, q))) return true;
      } else if (
        chart &&
        normalizeChartRepoURL(String(chart.repoURL ?? '')) === repoURL
      ) {
        if (qualifiers.length === 0) return true;
        if (qualifiers.some(q => chartMatchesVersion(chart, q))) return true;
      }
    } catch {
      return true;
    }
  }
  return false;
}

/** Whether any of the event's URLs concerns this Warehouse spec. */
export function warehouseMatches(spec: Json, changes: ChangeSet): boolean {
  const urls = cleanList(changes.repoURLs);
  if (urls.length === 0) return false;
  const subscribed = new Set(subscribedURLs(spec));
  const filtered = cleanList(changes.qualifiers).length > 0;
  return urls.some(
    url =>
      subscribed.has(url) &&
      (!filtered || warehouseConcerned(spec, url, changes)),
  );
}
