import { checkGoRegex } from './goRegex';

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
