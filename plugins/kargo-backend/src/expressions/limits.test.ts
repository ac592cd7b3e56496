import {
  evaluateExpression,
  evaluateExpressionAsync,
} from './evaluateExpression';
import { parseExpression } from './parseExpression';

/*
 * An expression comes from a user's manifest and runs in the backend: its
 * work and the memory it can claim are bounded, with a clear error.
 */

describe('evaluation bounds', () => {
  it('stops an evaluation that exceeds its step budget', () => {
    expect(() =>
      evaluateExpression('map(1..1000, map(1..1000, #))', {}),
    ).toThrow('expression exceeded its budget of 100000 evaluation steps');
    expect(() =>
      evaluateExpression('sum(1..50)', {}, { maxSteps: 10 }),
    ).not.toThrow();
    expect(() =>
      evaluateExpression('sum(1..50, #)', {}, { maxSteps: 10 }),
    ).toThrow('budget of 10 evaluation steps');
  });

  it('counts steps in async functions too, and reports them the same way', async () => {
    const functions = { unit: async () => 1 };
    await expect(
      evaluateExpressionAsync(
        'sum(map(1..100, unit()))',
        { functions },
        { maxSteps: 50 },
      ),
    ).rejects.toThrow('budget of 50 evaluation steps');
  });

  it('refuses to build strings and arrays beyond the size limits', () => {
    expect(() => evaluateExpression('repeat("x", 100000000)', {})).toThrow(
      'would build a string of 100000000 characters; the limit is 10485760',
    );
    expect(() => evaluateExpression('1..100000000', {})).toThrow(
      'would build an array of 100000000 items; the limit is 1000000',
    );
    const options = { maxStringLength: 10, maxArrayLength: 3 };
    expect(() => evaluateExpression('"12345" + "678901"', {}, options)).toThrow(
      'a string of 11',
    );
    expect(() => evaluateExpression('[1, 2, 3, 4]', {}, options)).toThrow(
      'an array of 4 items',
    );
    expect(() =>
      evaluateExpression('concat([1, 2], [3, 4])', {}, options),
    ).toThrow('an array of 4');
    expect(() =>
      evaluateExpression('replace("aaaa", "a", "bbb")', {}, options),
    ).toThrow('a string of 12');
    expect(() =>
      evaluateExpression('join(["abcdef", "ghijk"], "-")', {}, options),
    ).toThrow('a string of 12');
    const big = { variables: { text: 'x'.repeat(100) } };
    expect(evaluateExpression('len(text)', big, options)).toBe(100);
  });

  it('refuses long and deeply nested sources before evaluating them', () => {
    expect(() => parseExpression(`"${'a'.repeat(10_001)}"`)).toThrow(
      'longer than 10000 characters',
    );
    expect(() =>
      parseExpression(`${'('.repeat(200)}1${')'.repeat(200)}`),
    ).toThrow('nested too deeply');
    expect(() =>
      parseExpression(`${'['.repeat(100)}${']'.repeat(100)}`),
    ).toThrow('nested too deeply');
    expect(() => parseExpression(Array(300).fill('1').join(' + '))).toThrow(
      'nested too deeply',
    );
    expect(parseExpression(Array(200).fill('1').join(' + '))).toBeDefined();
  });
});
