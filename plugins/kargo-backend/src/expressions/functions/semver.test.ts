import { evaluateExpression } from '../evaluateExpression';
import { goJSON } from '../goFormat';
import { semverDiff, semverParse } from './semver';

const run = (source: string) =>
  evaluateExpression(source, { functions: { semverParse, semverDiff } });

describe('semverParse', () => {
  it.each([
    ['semverParse("v1.2.3").Major()', 1],
    ['semverParse("1.2.3").Minor()', 2],
    ['semverParse("1.2.3").Patch()', 3],
    ['semverParse("1.2.3-rc.1+build.5").Prerelease()', 'rc.1'],
    ['semverParse("1.2.3-rc.1+build.5").Metadata()', 'build.5'],
    ['semverParse("1.2").String()', '1.2.0'],
    ['semverParse("v1.2.3").String()', '1.2.3'],
    ['semverParse("v1.2.3").Original()', 'v1.2.3'],
    ['semverParse("v1.2.3").IncMajor().String()', '2.0.0'],
    ['semverParse("v1.2.3").IncMajor().Original()', 'v2.0.0'],
    ['semverParse("1.2.3-rc.1").IncMinor().String()', '1.3.0'],
    ['semverParse("1.2.3+b").IncPatch().String()', '1.2.4'],
    // A prerelease's next patch is its release, as in Masterminds/semver.
    ['semverParse("1.2.3-rc.1").IncPatch().String()', '1.2.3'],
    ['semverParse("1.2.3").LessThan(semverParse("1.10.0"))', true],
    ['semverParse("1.0.0-rc.1") < semverParse("1.0.0")', true],
    ['semverParse("1.0.0").Compare(semverParse("v1.0.0"))', 0],
  ])('%s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('writes a version as its string, and refuses what is not one', () => {
    expect(goJSON(run('semverParse("v1.2.3")'))).toBe('"1.2.3"');
    expect(run('string(semverParse("v1.2.3"))')).toBe('1.2.3');
    expect(() => run('semverParse("latest")')).toThrow(
      'invalid semantic version: "latest"',
    );
    expect(() => run('semverParse(1)')).toThrow('must be a string');
  });

  it('offers only its whitelisted methods', () => {
    expect(() => run('semverParse("1.2.3").constructor()')).toThrow(
      '*semver.Version has no method constructor()',
    );
    expect(() => run('semverParse("1.2.3").callMethod("Major", [])')).toThrow(
      'has no method',
    );
    expect(() => run('semverParse("1.2.3").version')).toThrow(
      'cannot fetch version',
    );
    expect(() => run('semverParse("1.2.3").Major(1)')).toThrow(
      'Major() takes no arguments',
    );
  });
});

describe('semverDiff', () => {
  it('ignores prereleases, as Kargo does, and needs strings', () => {
    expect(run('semverDiff("1.2.3-rc.1", "1.2.3")')).toBe('None');
    expect(() => run('semverDiff("1.2.3")')).toThrow('takes 2 arguments');
    expect(() => run('semverDiff(1, "1.2.3")')).toThrow(
      'the first argument must be a string',
    );
  });
});
