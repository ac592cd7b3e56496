import {
  compareMastermindsVersions,
  MastermindsVersion,
  parseMastermindsVersion,
} from '@kargo-backstage/plugin-kargo-common';
import { fail } from '../errors';
import { ExprMethod, ExprObject, typeName } from '../values';

/*
 * semverParse() and semverDiff(), on Masterminds/semver as Kargo uses it:
 * versions with or without a leading `v`, missing minor/patch allowed.
 */

/** A parsed version (*semver.Version), with Masterminds' methods. */
export class SemverVersion extends ExprObject {
  private static readonly methods: Record<string, ExprMethod> = {
    Major: getter('Major', s => Number(s.version.major)),
    Minor: getter('Minor', s => Number(s.version.minor)),
    Patch: getter('Patch', s => Number(s.version.patch)),
    Prerelease: getter('Prerelease', s => s.version.prerelease),
    Metadata: getter('Metadata', s => s.version.metadata),
    Original: getter('Original', s => s.version.original),
    String: getter('String', s => render(s.version)),
    IncMajor: (s: SemverVersion, a) => {
      noArgs('IncMajor', a);
      return next(s.version, {
        major: s.version.major + 1n,
        minor: 0n,
        patch: 0n,
      });
    },
    IncMinor: (s: SemverVersion, a) => {
      noArgs('IncMinor', a);
      return next(s.version, { minor: s.version.minor + 1n, patch: 0n });
    },
    // A prerelease's next patch is its release (Masterminds, per semver.org).
    IncPatch: (s: SemverVersion, a) => {
      noArgs('IncPatch', a);
      const v = s.version;
      return next(v, { patch: v.prerelease ? v.patch : v.patch + 1n });
    },
    Compare: (s: SemverVersion, a) =>
      compareMastermindsVersions(s.version, other('Compare', a).version),
    LessThan: (s: SemverVersion, a) =>
      compareMastermindsVersions(s.version, other('LessThan', a).version) < 0,
    GreaterThan: (s: SemverVersion, a) =>
      compareMastermindsVersions(s.version, other('GreaterThan', a).version) >
      0,
    Equal: (s: SemverVersion, a) =>
      compareMastermindsVersions(s.version, other('Equal', a).version) === 0,
  };

  constructor(readonly version: MastermindsVersion) {
    super();
  }
  get exprType() {
    return '*semver.Version';
  }
  protected get exprMethods() {
    return SemverVersion.methods;
  }
  /** Masterminds marshals a version as its String(). */
  toJSONValue() {
    return render(this.version);
  }
  formatGo() {
    return render(this.version);
  }
  equals(o: unknown) {
    return (
      o instanceof SemverVersion && render(o.version) === render(this.version)
    );
  }
  compareTo(o: unknown) {
    return o instanceof SemverVersion
      ? compareMastermindsVersions(this.version, o.version)
      : undefined;
  }
}

function noArgs(name: string, args: unknown[]) {
  if (args.length) fail(`${name}() takes no arguments`);
}

function other(name: string, args: unknown[]): SemverVersion {
  if (args.length !== 1 || !(args[0] instanceof SemverVersion)) {
    fail(`${name}() needs a version from semverParse()`);
  }
  return args[0] as SemverVersion;
}

function next(
  v: MastermindsVersion,
  change: Partial<MastermindsVersion>,
): SemverVersion {
  const version = { ...v, prerelease: '', metadata: '', ...change };
  const prefix = v.original.startsWith('v') ? 'v' : '';
  return new SemverVersion({ ...version, original: prefix + render(version) });
}

function render(v: MastermindsVersion): string {
  const pre = v.prerelease ? `-${v.prerelease}` : '';
  const meta = v.metadata ? `+${v.metadata}` : '';
  return `${v.major}.${v.minor}.${v.patch}${pre}${meta}`;
}

/** A method without arguments. */
function getter(name: string, read: (s: SemverVersion) => unknown): ExprMethod {
  return (s: SemverVersion, args: unknown[]) => {
    noArgs(name, args);
    return read(s);
  };
}

function versionText(name: string, position: string, v: unknown): string {
  if (typeof v !== 'string')
    fail(
      `${name}(): the ${position} argument must be a string, not ${typeName(
        v,
      )}`,
    );
  return v as string;
}

/** `semverParse(v)`: a version with methods; an invalid one is an error. */
export function semverParse(...args: unknown[]): SemverVersion {
  if (args.length !== 1)
    fail(`semverParse() takes 1 argument, not ${args.length}`);
  const text = versionText('semverParse', 'first', args[0]);
  const version = parseMastermindsVersion(text);
  if (!version) fail(`invalid semantic version: ${JSON.stringify(text)}`);
  return new SemverVersion(version!);
}

/**
 * `semverDiff(a, b)`: the most significant part that differs — Major,
 * Minor, Patch, Metadata or None (prereleases are not compared, as in
 * Kargo) — or Incomparable when either is not a version.
 */
export function semverDiff(...args: unknown[]): string {
  if (args.length !== 2)
    fail(`semverDiff() takes 2 arguments, not ${args.length}`);
  const a = parseMastermindsVersion(
    versionText('semverDiff', 'first', args[0]),
  );
  const b = parseMastermindsVersion(
    versionText('semverDiff', 'second', args[1]),
  );
  if (!a || !b) return 'Incomparable';
  if (a.major !== b.major) return 'Major';
  if (a.minor !== b.minor) return 'Minor';
  if (a.patch !== b.patch) return 'Patch';
  if (a.metadata !== b.metadata) return 'Metadata';
  return 'None';
}
