import { Evaluation, ExpressionScope } from './evaluator';
import { EvaluationOptions, limitsFrom } from './limits';
import { parseExpression } from './parseExpression';
import { runAsync, runSync } from './pending';

export type { ExpressionFunction, ExpressionScope } from './evaluator';
export type { EvaluationOptions } from './limits';
export { ExpressionError, ExpressionEvaluationError } from './errors';

/**
 * Evaluates an expr-lang expression over the given scope only. There is no
 * way to reach JavaScript globals, prototypes or methods: member access reads
 * own data, and only the scope's functions, expr-lang's builtins and the
 * whitelisted methods of values our functions made can be called. A function
 * returning a Promise is an error here: use evaluateExpressionAsync.
 */
export function evaluateExpression(
  source: string,
  scope: ExpressionScope,
  options?: EvaluationOptions,
): unknown {
  const evaluation = new Evaluation(scope, limitsFrom(options));
  return runSync(evaluation.run(parseExpression(source)));
}

/** As evaluateExpression, awaiting functions that return Promises. */
export function evaluateExpressionAsync(
  source: string,
  scope: ExpressionScope,
  options?: EvaluationOptions,
): Promise<unknown> {
  try {
    const evaluation = new Evaluation(scope, limitsFrom(options));
    return runAsync(evaluation.run(parseExpression(source)));
  } catch (error) {
    return Promise.reject(error);
  }
}
