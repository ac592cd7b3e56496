import type { JsonObject } from '@backstage/types';
import { evaluateExpression, freightFunctions } from '../expressions';

/**
 * Kargo's `freightCreationCriteria.expression`: a boolean over the candidate
 * Freight, e.g. `imageFrom('ghcr.io/x/api').Tag == imageFrom('ghcr.io/x/web').Tag`.
 * Anything but a bool is an error a user must fix.
 */
export function evaluateFreightCriteria(
  expression: string,
  freight: JsonObject,
): boolean {
  const result = evaluateExpression(expression, {
    functions: freightFunctions(freight) as Record<
      string,
      (...args: unknown[]) => unknown
    >,
  });
  if (typeof result !== 'boolean') {
    throw new Error(
      `freightCreationCriteria.expression must be true or false, not ${JSON.stringify(
        result,
      )}`,
    );
  }
  return result;
}
