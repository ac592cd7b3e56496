import { evaluateExpression } from './evaluateExpression';
import { parseExpression } from './parseExpression';

const run = (source: string, variables: Record<string, unknown> = {}) =>
  evaluateExpression(source, { variables });

describe('expr-lang grammar on jsep', () => {
  it('reads predicates with and without braces, # pointers and .Field shorthand', () => {
    const tags = [{ Tag: 'v1.0.0' }, { Tag: 'latest' }, { Tag: 'v2.0.0' }];
    expect(run('filter(tags, .Tag startsWith "v")', { tags })).toEqual([
      tags[0],
      tags[2],
    ]);
    expect(
      run('map(filter(tags, {#.Tag != "latest"}), {.Tag})', { tags }),
    ).toEqual(['v1.0.0', 'v2.0.0']);
    expect(run('map(tags, {let t = .Tag; len(t)})', { tags })).toEqual([
      6, 6, 6,
    ]);
    expect(run('any([[1, 2], [3]], any(#, # == 3))')).toBe(true);
    expect(() => parseExpression('# > 1')).toThrow(
      '"#" is only allowed inside a predicate',
    );
    expect(() => parseExpression('.Tag')).toThrow(
      '"." is only allowed inside a predicate',
    );
  });

  it('pipes a value into the first argument of the next call', () => {
    expect(run('"  Hello World " | trim() | lower() | split(" ")')).toEqual([
      'hello',
      'world',
    ]);
    expect(run('[3, 1, 2] | sortBy(#, "desc") | first()')).toBe(3);
    // Everything before | is the argument; the call's result is the left
    // operand of what follows (values checked against expr-lang).
    expect(run('1 + 2 | string()')).toBe('3');
    expect(run('"a" | upper() + "b"')).toBe('Ab');
    expect(run('[1, 2] | map(# * 2) | sum() * 10')).toBe(60);
    expect(run('[1, 2] | filter(# > 1) | len() == 1 ? "one" : "many"')).toBe(
      'one',
    );
    expect(run('a ?? [1] | len()')).toBe(1);
    expect(() => parseExpression('x | f().y')).toThrow(
      'the right side of | must be a function call',
    );
    // The pipe binds loosest of all.
    expect(run('true || false | string()')).toBe('true');
    expect(() => run('1 | 2')).toThrow(
      'the right side of | must be a function call',
    );
  });

  it('parses maps, slices, optional chaining, ranges and Go literals', () => {
    expect(run('{a: 1, "b c": 2, 3: "x", ("d" + "e"): 4}')).toEqual({
      a: 1,
      'b c': 2,
      3: 'x',
      de: 4,
    });
    expect(run('[1, 2, 3, 4][1:3]')).toEqual([2, 3]);
    expect(run('x?.y?.z ?? "none"', { x: { y: null } })).toBe('none');
    expect(run('x?.["y"]', { x: { y: 1 } })).toBe(1);
    expect(run('1..3 == [1, 2, 3]')).toBe(true);
    expect(run('0x10 + 0o10 + 0b10 + 1_000')).toBe(1026);
    expect(run('"\\x41\\u00e9\\101" + `\\n`')).toBe('AéA\\n');
    expect(() => run('"\\q"')).toThrow('invalid escape');
    expect(() => run('"a\nb"')).toThrow('literal not terminated');
  });

  it('follows expr-lang precedence where it differs from JavaScript', () => {
    expect(run('-2 ** 2')).toBe(-4);
    expect(run('not true == false')).toBe(true);
    expect(run('a ?? 1 + 1', { a: 2 })).toBe(3);
    expect(run('1 < 2 < 3 && 3 > 2 >= 2')).toBe(true);
    expect(() => run('(1 < 2) < 3')).toThrow('invalid operation: bool < int');
    expect(run('"a" not in ["b"] and "abc" not startsWith "b"')).toBe(true);
  });

  it('skips comments and refuses what is not one expression', () => {
    expect(run('1 + /* two */ 2 // three')).toBe(3);
    expect(() => parseExpression('1 2')).toThrow(
      'only one expression is allowed',
    );
    expect(() => parseExpression('a, b')).toThrow(
      'only one expression is allowed',
    );
    expect(() => parseExpression('(1, 2)')).toThrow('invalid expression');
    expect(() => parseExpression('[1,,2]')).toThrow('missing expression');
    expect(() => parseExpression('/* open')).toThrow('unterminated comment');
    expect(() => parseExpression('')).toThrow('empty');
  });
});
