import { checkGoRegex, compileGoRegex } from './goRegex';

describe('checkGoRegex', () => {
  it.each([
    '^nightly-\\d{8}$',
    '^v\\d+\\.\\d+\\.\\d+$',
    '(?i)^release-',
    '(?i:abc)def',
    '(?P<version>\\d+)',
    '(?<version>\\d+)',
    '\\Aabc\\z',
    '\\Q1.2.3\\E',
    '[[:alpha:]]+',
    '[]a]',
    '[(?=]',
    'a{1000}',
    '\\12', // octal escape in RE2
  ])('accepts %s', pattern => {
    expect(checkGoRegex(pattern)).toBeUndefined();
  });

  it.each([
    ['foo(?=bar)', "lookahead is not supported by Kargo's Go RE2 regex engine"],
    ['foo(?!bar)', "lookahead is not supported by Kargo's Go RE2 regex engine"],
    [
      '(?<=v)\\d+',
      "lookbehind is not supported by Kargo's Go RE2 regex engine",
    ],
    [
      '(?<!v)\\d+',
      "lookbehind is not supported by Kargo's Go RE2 regex engine",
    ],
    [
      '(a)\\1',
      "backreferences are not supported by Kargo's Go RE2 regex engine",
    ],
    [
      '(?<x>a)\\k<x>',
      "backreferences are not supported by Kargo's Go RE2 regex engine",
    ],
    [
      '(?P<x>a)(?P=x)',
      "backreferences are not supported by Kargo's Go RE2 regex engine",
    ],
    [
      '(?>a+)',
      "atomic groups are not supported by Kargo's Go RE2 regex engine",
    ],
    [
      'a{1001}',
      "repeat counts above 1000 are not supported by Kargo's Go RE2 regex engine",
    ],
    ['(abc', 'Unterminated group'],
    ['[a', 'Unterminated character class'],
    ['*a', 'Nothing to repeat'],
  ])('rejects %s', (pattern, reason) => {
    expect(checkGoRegex(pattern)).toBe(reason);
  });
});

describe('compileGoRegex', () => {
  it('matches as Go does, with Go-only syntax translated', () => {
    expect(compileGoRegex('(?i)^v\\d+$').test('V12')).toBe(true);
    expect(
      compileGoRegex('\\Arelease-(?P<n>\\d+)\\z').exec('release-7')?.groups?.n,
    ).toBe('7');
    expect(compileGoRegex('^1\\.2\\.').test('1.20.0')).toBe(false);
  });

  it('translates leading flags, named groups, \\A, \\z and \\Q...\\E', () => {
    expect(compileGoRegex('(?i)^V1').test('v1.0')).toBe(true);
    expect(
      compileGoRegex('\\Av(?P<major>\\d+)\\z').exec('v12')?.groups?.major,
    ).toBe('12');
    expect(compileGoRegex('\\Q1.0\\E').test('1x0')).toBe(false);
    expect(compileGoRegex('\\Q1.0\\E').test('v1.0')).toBe(true);
    expect(compileGoRegex('(?U)^a+').test('aa')).toBe(true);
  });

  it('refuses what RE2 refuses, saying why', () => {
    expect(() => compileGoRegex('(?=x)')).toThrow(
      /not supported by Kargo's Go RE2 regex engine/,
    );
    expect(() => compileGoRegex('v[0-9')).toThrow();
  });
});
