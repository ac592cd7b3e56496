import { setTimeout as sleep } from 'node:timers/promises';
import {
  evaluateExpression,
  evaluateExpressionAsync,
} from './evaluateExpression';
import { ExpressionEvaluationError } from './errors';

/** A lookup that answers later, as a database read does. */
const later = <T>(value: T, ms = 5) => sleep(ms).then(() => value);

const functions = {
  lookup: (name: unknown) => later({ name, size: String(name).length }),
  double: (n: unknown) => later(Number(n) * 2),
  boom: () => Promise.reject(new Error('database unavailable')),
  plain: (n: unknown) => Number(n) + 1,
};

describe('evaluateExpressionAsync', () => {
  it('awaits functions wherever they are called, including inside predicates', async () => {
    await expect(
      evaluateExpressionAsync('lookup("abc").size + plain(1)', { functions }),
    ).resolves.toBe(5);
    await expect(
      evaluateExpressionAsync('map([1, 2, 3], double(#)) | filter(# > 2)', {
        functions,
      }),
    ).resolves.toEqual([4, 6]);
    await expect(
      evaluateExpressionAsync(
        'lookup(lookup("ab").name + "c").size > 2 ? "long" : "short"',
        { functions },
      ),
    ).resolves.toBe('long');
  });

  it('does not call what a short-circuit skips', async () => {
    const calls: string[] = [];
    const tracked = {
      ...functions,
      lookup: (n: unknown) => {
        calls.push(String(n));
        return later(true);
      },
    };
    await expect(
      evaluateExpressionAsync('false && lookup("a") || true || lookup("b")', {
        functions: tracked,
      }),
    ).resolves.toBe(true);
    expect(calls).toEqual([]);
  });

  it("passes a function's own error through unchanged, so it can be retried", async () => {
    const error: Error = (await evaluateExpressionAsync('boom() ?? 1', {
      functions,
    }).catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ExpressionEvaluationError);
    expect(error.message).toBe('database unavailable');
  });

  it('rejects (not throws) on syntax errors', async () => {
    const result = evaluateExpressionAsync('1 +', {});
    await expect(result).rejects.toThrow('invalid expression');
  });
});

describe('evaluateExpression (sync)', () => {
  it('shares the evaluator but refuses functions that return a Promise', () => {
    expect(evaluateExpression('plain(1)', { functions })).toBe(2);
    expect(() =>
      evaluateExpression('plain(lookup("x"))', { functions }),
    ).toThrow(
      'lookup() returned a Promise: evaluate this expression with evaluateExpressionAsync',
    );
  });

  it('leaves no unhandled rejection behind when it refuses one', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(() => evaluateExpression('boom()', { functions })).toThrow(
        'returned a Promise',
      );
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
