/** Anything wrong with an expression: its syntax or its evaluation. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** The expression cannot be parsed (or is too long or too deeply nested). */
export class ExpressionSyntaxError extends ExpressionError {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

/**
 * Evaluation failed: a type error, an unknown function, a sandbox rule, or
 * an exhausted budget. Errors thrown by the scope's own functions are
 * passed through unchanged, so a caller can tell a transient lookup failure
 * from a mistake in the expression.
 */
export class ExpressionEvaluationError extends ExpressionError {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

export function fail(message: string): never {
  throw new ExpressionEvaluationError(message);
}
