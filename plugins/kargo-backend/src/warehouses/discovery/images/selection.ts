/**
 * The pure parts of Kargo's image selection: tag filters, lexical ordering,
 * platform constraints and creation times. (Go regexes and Masterminds
 * versions come from kargo-common: compileGoRegex, parseMastermindsVersion,
 * sortVersionsDescending, compareGoStrings.)
 */
import { compareGoStrings } from '@kargo-backstage/plugin-kargo-common';

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

/** Reverse lexical order (Kargo: slices.Sort then slices.Reverse). */
export function sortLexicalDescending(tags: string[]): string[] {
  return [...tags].sort((l, r) => compareGoStrings(r, l));
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
