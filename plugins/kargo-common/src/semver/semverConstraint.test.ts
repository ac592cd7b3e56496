import {
  parseSemverConstraint,
  satisfiesSemverConstraint,
} from './semverConstraint';

const rangeOf = (constraint: string) => {
  const result = parseSemverConstraint(constraint);
  if (!result.ok) throw new Error(`unexpected failure: ${result.reason}`);
  return result.range;
};

describe('parseSemverConstraint', () => {
  it.each([
    // caret, tilde and their wildcard forms
    ['^1.26.0', '>=1.26.0 <2.0.0'],
    ['^0.2.3', '>=0.2.3 <0.3.0'],
    ['^0.0.3', '>=0.0.3 <0.0.4'],
    ['^0.0', '<0.1.0'], // node-semver drops the redundant >=0.0.0
    ['^0', '<1.0.0'],
    ['^1.x', '>=1.0.0 <2.0.0'],
    ['~1.2.3', '>=1.2.3 <1.3.0'],
    ['~>1.2', '>=1.2.0 <1.3.0'],
    ['~1', '>=1.0.0 <2.0.0'],
    ['~0', '<1.0.0'],
    // bare and `=` versions: exact, or tilde-like when partial/wildcarded
    ['1.2.3', '1.2.3'],
    ['=v1.2.3+build.5', '1.2.3'],
    ['1.2', '>=1.2.0 <1.3.0'],
    ['=1', '>=1.0.0 <2.0.0'],
    ['1.2.x', '>=1.2.0 <1.3.0'],
    ['1.x.3', '>=1.0.0 <2.0.0'],
    ['*', '*'],
    ['x', '*'],
    // comparisons; partial versions widen `>` and `<=` to whole ranges
    ['>1.2.3', '>1.2.3'],
    ['>1.2', '>=1.3.0'],
    ['>1', '>=2.0.0'],
    ['>=1.2', '>=1.2.0'],
    ['=>1.2.3', '>=1.2.3'],
    ['<1.2', '<1.2.0'],
    ['<=1.2.3', '<=1.2.3'],
    ['=<1.2', '<1.3.0'],
    ['<=1', '<2.0.0'],
    // AND with commas or spaces, OR with ||
    ['>= 1.2, < 3.0.0 || 4.x', '>=1.2.0 <3.0.0||>=4.0.0 <5.0.0'],
    ['>=1.2.3 <1.3', '>=1.2.3 <1.3.0'],
    ['>=1.2.3,<1.3', '>=1.2.3 <1.3.0'],
    // hyphen ranges
    ['1.2 - 1.4.5', '>=1.2.0 <=1.4.5'],
    ['1.2.3 - 2', '>=1.2.3 <3.0.0'],
    // != splits a group in two
    ['!=1.2.3', '<1.2.3||>1.2.3'],
    ['!=1.2', '<1.2.0||>=1.3.0'],
    [
      '>=1.0.0, !=1.2.3, <2.0.0',
      '>=1.0.0 <1.2.3 <2.0.0||>=1.0.0 >1.2.3 <2.0.0',
    ],
    // prereleases: bounds from wildcards get -0 in groups that admit them
    ['>=1.0.0-alpha <2', '>=1.0.0-alpha <2.0.0'],
    ['~1.2.3-beta', '>=1.2.3-beta <1.3.0-0'],
    ['^1.2.3-beta.2', '>=1.2.3-beta.2 <2.0.0-0'],
    ['1.2.3-beta || 2', '1.2.3-beta||>=2.0.0 <3.0.0'],
    // the library's own quirks are kept
    ['^*', '<0.0.1'],
    ['<=*', '<0.1.0'],
  ])('%s -> %s', (constraint, range) => {
    expect(parseSemverConstraint(constraint)).toEqual({ ok: true, range });
  });

  it.each([
    ['', 'constraint is empty'],
    ['   ', 'constraint is empty'],
    ['foo', 'improper constraint "foo"'],
    ['>=1.2.3 ||', 'improper constraint ""'],
    ['1.2.3.4', 'improper constraint "1.2.3.4"'],
    ['>= 1.2.3 <', 'improper constraint ">= 1.2.3 <"'],
    ['01.2.3', 'invalid version "01.2.3"'],
    ['1|2', 'invalid version "1|2"'],
    ['^1.2.3-01', 'invalid version "1.2.3-01"'],
  ])('rejects %j (%s)', (constraint, reason) => {
    expect(parseSemverConstraint(constraint)).toEqual({ ok: false, reason });
  });
});

describe('satisfiesSemverConstraint', () => {
  it.each([
    ['^1.26.0', '1.26.0', true],
    ['^1.26.0', '1.99.3', true],
    ['^1.26.0', '2.0.0', false],
    ['^1.26.0', '1.25.9', false],
    // no prerelease in the constraint: prereleases never match
    ['^1.26.0', '1.27.0-rc.1', false],
    ['*', '1.0.0-alpha', false],
    ['*', '0.0.1', true],
    ['1.2', '1.2.7', true],
    ['1.2', '1.3.0', false],
    ['>1', '1.9.9', false],
    ['>1', '2.0.0', true],
    ['<=1.2', '1.2.9', true],
    ['<=1.2', '1.3.0', false],
    ['!=1.2.3', '1.2.3', false],
    ['!=1.2.3', '1.2.4', true],
    ['>= 1.2, < 3.0.0 || 4.x', '4.5.6', true],
    ['>= 1.2, < 3.0.0 || 4.x', '3.1.0', false],
    // a prerelease in the group admits every prerelease inside its bounds
    ['>=1.0.0-alpha <2', '1.5.0-beta', true],
    ['>=1.0.0-alpha <2', '2.0.0-alpha', true],
    ['>=1.0.0-alpha <2', '0.9.0', false],
    ['~1.2.3-beta', '1.2.9-rc.1', true],
    ['~1.2.3-beta', '1.3.0-alpha', false],
    // ...but only in that group
    ['1.2.3-beta || 2', '2.1.0-rc.1', false],
    ['1.2.3-beta || 2', '1.2.3-beta', true],
    // versions are read like Kargo reads tags
    ['1.2.3', 'v1.2.3', true],
    ['1.2.0', 'v1.2', true],
    ['^*', '0.0.0', true],
    ['^*', '0.0.1', false],
  ])('%s matches %s: %s', (constraint, version, expected) => {
    expect(satisfiesSemverConstraint(version, rangeOf(constraint))).toBe(
      expected,
    );
  });

  it('does not match unparseable versions', () => {
    expect(satisfiesSemverConstraint('latest', rangeOf('*'))).toBe(false);
    expect(satisfiesSemverConstraint('01.2.3', rangeOf('*'))).toBe(false);
  });
});
