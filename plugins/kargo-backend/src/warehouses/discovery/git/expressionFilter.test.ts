import {
  compileExpressionFilter,
  ExpressionError,
  GoTime,
  parseGoDuration,
} from './expressionFilter';

const commit = {
  id: 'abc123',
  commitDate: new GoTime(Date.parse('2024-05-06T07:08:09Z'), 120),
  author: 'John Doe <john@example.com>',
  committer: 'Bot <bot@example.com>',
  subject: 'feat: add thing [kargo-ignore]',
};

const evalExpr = (src: string, env: Record<string, any> = commit) =>
  compileExpressionFilter(src, {
    now: () => new Date('2024-05-07T07:08:09Z'),
  }).matches(env);

describe('expressionFilter', () => {
  it.each([
    ["!(author contains '<bot@example.com>')", true],
    ["!(committer contains '<bot@example.com>')", false],
    ["subject contains 'feat:' || subject contains 'fix:'", true],
    ["author == 'John Doe <john@example.com>'", true],
    [
      "!(author == 'Example Bot') && commitDate.After(date('2025-01-01'))",
      false,
    ],
    [
      "commitDate.After(date('2024-01-01')) and not (subject contains 'x')",
      true,
    ],
    ['commitDate.Year() >= 2024', true],
    ['commitDate.Month() == 5 && commitDate.Hour() == 9', true],
    ["commitDate > date('2024-05-06T09:00:00+02:00')", true],
    ["commitDate == date('2024-05-06T07:08:09Z')", true],
    ["now() - commitDate < duration('25h')", true],
    ["now().Sub(commitDate) > duration('1h30m')", true],
    ["subject matches '^feat: .*\\\\[kargo-ignore\\\\]$'", true],
    ["subject not matches '^fix'", true],
    ["subject startsWith 'feat' && subject endsWith ']'", true],
    ["id in ['abc123', 'def']", true],
    ["id not in ['abc123']", false],
    ["lower(author) contains 'john' ? true : false", true],
    ['len(id) == 6 && 1 + 2 * 3 == 7 && 2 ** 3 == 8 && 7 % 4 == 3', true],
    ["unknownField == nil && (unknownField ?? 'd') == 'd'", true],
    ["hasPrefix(subject, 'feat') && trimPrefix(id, 'abc') == '123'", true],
    ["'true'", true],
    ['1', true],
    ['0', false],
  ])('%s → %s', (src, expected) => {
    expect(evalExpr(src)).toBe(expected);
  });

  it('gives "not" a higher precedence than comparisons, as expr-lang does', () => {
    expect(() => evalExpr("!subject contains 'x'")).toThrow(ExpressionError);
  });

  it('rejects syntax errors, unknown functions and non-boolean results', () => {
    expect(() => compileExpressionFilter('subject ==')).toThrow(
      ExpressionError,
    );
    expect(() => compileExpressionFilter("subject contains 'x")).toThrow(
      ExpressionError,
    );
    expect(() => evalExpr("require('fs')")).toThrow('unknown function');
    expect(() => evalExpr('subject')).toThrow('not a boolean');
    expect(() => evalExpr('subject < 1')).toThrow('invalid operation');
  });

  it('offers no way to JavaScript objects', () => {
    expect(() => evalExpr('subject.constructor')).toThrow(ExpressionError);
    expect(() => evalExpr("subject.constructor('x')")).toThrow('has no method');
    expect(() => evalExpr("commitDate.constructor('x')")).toThrow(
      'has no method',
    );
    expect(() => evalExpr('toString == nil')).not.toThrow();
    expect(evalExpr('constructor == nil')).toBe(true);
    expect(() =>
      compileExpressionFilter(`${'('.repeat(500)}1${')'.repeat(500)}`),
    ).toThrow('nested too deeply');
  });

  it('parses Go durations', () => {
    expect(parseGoDuration('1h30m').ns).toBe(5400e9);
    expect(parseGoDuration('-1.5s').ns).toBe(-1.5e9);
    expect(() => parseGoDuration('5 minutes')).toThrow(ExpressionError);
  });
});
