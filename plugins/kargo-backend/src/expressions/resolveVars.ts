import type { JsonValue } from '@backstage/types';
import { ExpressionError, ExpressionEvaluationError } from './errors';
import type { ExpressionScope } from './evaluator';
import type { EvaluationOptions } from './limits';
import { evaluateTemplateString } from './template';

/** A `vars` entry of a Stage, Promotion template, task or step. */
export type VarDefinition = { name: string; value?: string };

/**
 * Evaluates vars the way Kargo does: layer by layer (Stage ⊕ Promotion
 * template ⊕ task defaults ⊕ step), in order, each a template whose `vars`
 * holds everything defined before it, a later definition replacing an
 * earlier one. A var without a value keeps an earlier definition and is an
 * error when there is none (a required PromotionTask input). `scope` may
 * be a function of the layer index, since Promotion-level vars must not see
 * step outputs or secrets while step vars may. Its `vars` variable is
 * replaced by the vars resolved so far.
 */
export async function resolveVars(
  layers: VarDefinition[][],
  scope: ExpressionScope | ((layer: number) => ExpressionScope),
  options?: EvaluationOptions,
): Promise<Record<string, JsonValue>> {
  const vars: Record<string, JsonValue> = {};
  for (const [index, layer] of layers.entries()) {
    const base = typeof scope === 'function' ? scope(index) : scope;
    for (const definition of layer) {
      if (definition.value === undefined) {
        if (!Object.prototype.hasOwnProperty.call(vars, definition.name)) {
          throw new ExpressionEvaluationError(
            `missing value for variable "${definition.name}"`,
          );
        }
        continue;
      }
      let value: JsonValue;
      try {
        value = await evaluateTemplateString(
          definition.value,
          { ...base, variables: { ...base.variables, vars: { ...vars } } },
          options,
        );
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        throw new ExpressionEvaluationError(
          `error evaluating variable "${definition.name}": ${
            (error as Error).message
          }`,
        );
      }
      Object.defineProperty(vars, definition.name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return vars;
}
