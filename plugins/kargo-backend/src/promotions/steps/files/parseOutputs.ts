import type { JsonObject, JsonValue } from '@backstage/types';
import {
  TerminalStepError,
  type PromotionStepContext,
} from '@kargo-backstage/plugin-kargo-node';

export type OutputRule = { name: string; fromExpression: string };

/** A parsed value as it can be stored in outputs (plain JSON). */
export function toJsonValue(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value))
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) {
    // TOML local dates and times print as written (2024-01-15, 07:32:00).
    return value.toISOString();
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value].map(([k, v]) => [String(k), toJsonValue(v)]),
    );
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as object).map(([k, v]) => [k, toJsonValue(v)]),
    );
  }
  return String(value);
}

/**
 * Evaluates each rule's expression with the parsed file's top-level keys as
 * variables (Kargo runs the expression with the document as its whole
 * environment: `fromExpression: image.tag`), and returns the named results.
 */
export function extractOutputs(
  ctx: PromotionStepContext,
  document: unknown,
  rules: OutputRule[],
  format: string,
): JsonObject {
  if (
    document === null ||
    typeof document !== 'object' ||
    Array.isArray(document)
  ) {
    throw new TerminalStepError(
      `the ${format} document must be a map at its top level for expressions to read its keys`,
    );
  }
  const variables = { ...(document as Record<string, unknown>) };
  const output: JsonObject = {};
  rules.forEach((rule, i) => {
    let value: unknown;
    try {
      value = ctx.evaluate(rule.fromExpression, variables);
    } catch (error) {
      throw new TerminalStepError(
        `outputs[${i}] (${rule.name}): error evaluating ${JSON.stringify(
          rule.fromExpression,
        )}: ${(error as Error).message}`,
      );
    }
    output[rule.name] = toJsonValue(value);
  });
  return output;
}
