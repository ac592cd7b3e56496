import type { AnalysisMetric } from '@kargo-backstage/plugin-kargo-common';
import { evaluateExpression, parseGoFloat } from '../../expressions';
import type { AnalysisPhase } from './types';

/*
 * successCondition / failureCondition, as Argo Rollouts evaluates them
 * (utils/evaluate): expr-lang over `result` and Rollouts' functions asInt,
 * asFloat, isNaN, isInf, isNil and default. The expression language is the
 * suite's own expr-lang engine (src/expressions), which already has `and`,
 * `or`, `not`, `len`, indexing and the rest; only Rollouts' functions are
 * added here, through the scope.
 */

const isNil = (v: unknown) => v === null || v === undefined;

/** Go's %T for the values a provider hands over. */
function goTypeName(v: unknown): string {
  if (isNil(v)) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return 'map[string]interface {}';
  }
}

function asInt(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string') {
    if (/^[+-]?\d+$/.test(value)) return Number(value);
    throw new Error(
      `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
  throw new Error(
    `asInt() not supported on ${goTypeName(value)} ${String(value)}`,
  );
}

function asFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const parsed = parseGoFloat(value);
    if (parsed !== undefined) return parsed;
    throw new Error(
      `strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
  throw new Error(
    `asFloat() not supported on ${goTypeName(value)} ${String(value)}`,
  );
}

function float(name: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new Error(`${name}() needs a number, not ${goTypeName(value)}`);
  }
  return value;
}

/** One condition over `result`; true or false, or an error. */
export function evaluateCondition(result: unknown, condition: string): boolean {
  const output = evaluateExpression(condition, {
    variables: { result },
    functions: {
      asInt,
      asFloat,
      isNaN: v => Number.isNaN(float('isNaN', v)),
      isInf: v => Math.abs(float('isInf', v)) === Infinity,
      // Rollouts' isNil and default look at `result`, whatever they are given.
      isNil: () => isNil(result),
      default: (_value, fallback) => (isNil(result) ? fallback : result),
    },
  });
  if (typeof output !== 'boolean') {
    throw new Error(`expected bool, but got ${goTypeName(output)}`);
  }
  return output;
}

function failure(
  error: unknown,
  which: string,
  condition: string,
  result: unknown,
): Error {
  const empty = isNil(result) || (Array.isArray(result) && !result.length);
  const reason = empty
    ? 'metric result is nil or empty: no data returned from the metric provider'
    : (error as Error).message;
  return new Error(
    `could not evaluate ${which} ${JSON.stringify(condition)}: ${reason}`,
  );
}

/**
 * The phase of one measurement (Rollouts' EvaluateResult): no conditions ⇒
 * Successful; only a success condition ⇒ Failed when it is false; only a
 * failure condition ⇒ Successful when it is false; both false ⇒
 * Inconclusive. Throws when a condition cannot be evaluated.
 */
export function assessMeasurement(
  result: unknown,
  metric: Pick<AnalysisMetric, 'successCondition' | 'failureCondition'>,
): AnalysisPhase {
  const { successCondition, failureCondition } = metric;
  let success = false;
  let fail = false;
  if (successCondition) {
    try {
      success = evaluateCondition(result, successCondition);
    } catch (error) {
      throw failure(error, 'successCondition', successCondition, result);
    }
  }
  if (failureCondition) {
    try {
      fail = evaluateCondition(result, failureCondition);
    } catch (error) {
      throw failure(error, 'failureCondition', failureCondition, result);
    }
  }
  if (!successCondition && !failureCondition) return 'Successful';
  if (successCondition && !failureCondition) fail = !success;
  if (!successCondition && failureCondition) success = !fail;
  if (fail) return 'Failed';
  return success ? 'Successful' : 'Inconclusive';
}
