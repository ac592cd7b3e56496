import { ERROR, EXPR_LANG_CASES } from './__fixtures__/exprLangCases';
import { evaluateExpression } from './evaluateExpression';
import { ExpressionError } from './errors';
import { goJSON } from './goFormat';

/** A result as JSON data, as Kargo would write it. */
const asData = (v: unknown) => JSON.parse(goJSON(v));

describe('expr-lang conformance', () => {
  const refused = EXPR_LANG_CASES.filter(
    ([, , expected]) => expected === ERROR,
  );
  const answered = EXPR_LANG_CASES.filter(
    ([, , expected]) => expected !== ERROR,
  );

  it.each(answered)('%s (variables %j) → %j', (source, variables, expected) => {
    expect(asData(evaluateExpression(source, { variables }))).toEqual(expected);
  });

  it.each(refused)('%s (variables %j) is an error', (source, variables) => {
    expect(() => evaluateExpression(source, { variables })).toThrow(
      ExpressionError,
    );
  });

  it('returns map keys and values in the order the map holds them', () => {
    expect(evaluateExpression('keys({"b": 1, "a": 2})', {})).toEqual([
      'b',
      'a',
    ]);
    expect(evaluateExpression('values({"b": 1, "a": 2})', {})).toEqual([1, 2]);
    expect(evaluateExpression('fromPairs([["a", 1]])', {})).toEqual({ a: 1 });
  });

  it('keeps `.length` of arrays and strings for expressions written before', () => {
    const variables = { tags: ['a', 'b'], name: 'abc' };
    expect(evaluateExpression('tags.length + name.length', { variables })).toBe(
      5,
    );
  });

  it('reads the time values Go functions return', () => {
    const now = () => new Date('2024-05-07T07:08:09Z');
    const run = (source: string) => evaluateExpression(source, {}, { now });
    expect(run('now().Year()')).toBe(2024);
    expect(run('now() - date("2024-05-06T07:08:09Z") == duration("24h")')).toBe(
      true,
    );
    expect(run('date("2024-05-06T09:00:00+02:00").Hour()')).toBe(9);
    expect(run('date("2024-05-06").Add(duration("90m")).Minute()')).toBe(30);
    expect(run('duration("1h30m").Minutes()')).toBe(90);
    expect(run('string(duration("1h30m"))')).toBe('1h30m0s');
    expect(run('toJSON(date("2024-05-06T09:00:00+02:00"))')).toBe(
      '"2024-05-06T09:00:00+02:00"',
    );
    expect(() => run('date("yesterday")')).toThrow(
      'cannot parse "yesterday" as a date',
    );
  });
});
