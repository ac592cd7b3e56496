import type { JsonValue } from '@backstage/types';
import {
  PromotionStepContext,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';

/** A syntax error can never go away on retry; anything else might. */
function rethrow(error: unknown, what: string, expression: string): never {
  const message = `${what} ${JSON.stringify(expression)}: ${
    (error as Error).message
  }`;
  if ((error as Error)?.name === 'ExpressionSyntaxError') {
    throw new TerminalStepError(`error compiling ${message}`);
  }
  throw new Error(`error evaluating ${message}`);
}

export function evaluateOver(
  ctx: PromotionStepContext,
  expression: string,
  env: Record<string, unknown>,
  what: string,
): unknown {
  try {
    return ctx.evaluate(expression, env);
  } catch (error) {
    return rethrow(error, what, expression);
  }
}

/** undefined when the expression is not set; otherwise its boolean value. */
export function evaluateCriterion(
  ctx: PromotionStepContext,
  expression: string | undefined,
  env: Record<string, unknown>,
  what: string,
): boolean | undefined {
  if (!expression) return undefined;
  const value = evaluateOver(ctx, expression, env, what);
  if (typeof value !== 'boolean') {
    throw new Error(
      `${what} ${JSON.stringify(
        expression,
      )} did not evaluate to a boolean (got ${
        value === null || value === undefined ? 'nil' : typeof value
      })`,
    );
  }
  return value;
}

/** A value an expression produced, as JSON for the step's output. */
export function toJsonValue(value: unknown, name: string): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'function') {
    throw new Error(
      `output ${JSON.stringify(name)} is a function, not a value`,
    );
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return value as JsonValue;
  if (Array.isArray(value)) return value.map(item => toJsonValue(item, name));
  const object: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'function') object[key] = toJsonValue(item, name);
  }
  return object;
}
