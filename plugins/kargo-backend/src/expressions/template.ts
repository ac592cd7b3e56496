import type { JsonValue } from '@backstage/types';
import { ExpressionEvaluationError } from './errors';
import { Evaluation, ExpressionScope } from './evaluator';
import { TEMPLATE_FUNCTIONS } from './functions/quote';
import { goJSON, parseGoBool, parseGoFloat } from './goFormat';
import { checkString, EvaluationOptions, Limits, limitsFrom } from './limits';
import { parseExpression } from './parseExpression';
import { Evaluator, runAsync, runSync } from './pending';
import { isMap } from './values';

/*
 * Kargo's templates (pkg/expressions): `${{ expr }}` or `${% expr %}` (for
 * expressions containing `}}`) inside string values, several per string.
 * Each result is written as text (strings as they are, anything else as
 * JSON); the whole text is then typed as Kargo types it: "…" (what quote()
 * makes) stays a string without its quotes; otherwise a Go float, a Go
 * bool or JSON becomes that; else it stays a string. Strings without a
 * delimiter are never evaluated nor typed.
 */

const DELIMITERS = [
  { start: '${{', end: '}}' },
  { start: '${%', end: '%}' },
];

function hasDelimiter(template: string): boolean {
  return DELIMITERS.some(d => template.includes(d.start));
}

/** The text before the next expression, the expression, and the rest. */
function nextExpression(template: string) {
  let found: { index: number; start: string; end: string } | undefined;
  for (const d of DELIMITERS) {
    const index = template.indexOf(d.start);
    if (index >= 0 && (!found || index < found.index)) found = { index, ...d };
  }
  if (!found) return { before: '', expression: '', after: template };
  const from = found.index + found.start.length;
  const to = template.indexOf(found.end, from);
  if (to < 0) {
    throw new ExpressionEvaluationError(
      `unclosed expression: expected "${found.end}" but reached end of template`,
    );
  }
  return {
    before: template.slice(0, found.index),
    expression: template.slice(from, to),
    after: template.slice(to + found.end.length),
  };
}

function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v && typeof v === 'object') return Object.values(v).every(allFinite);
  return true;
}

/** Kargo's typing of a template's text. */
function typed(text: string): JsonValue {
  const newline = text.endsWith('\n');
  const result = newline ? text.slice(0, -1) : text;
  const asString = (s: string) => (newline ? `${s}\n` : s);
  if (result.length > 1 && result.startsWith('"') && result.endsWith('"')) {
    return asString(result.slice(1, -1));
  }
  const number = parseGoFloat(result);
  if (number !== undefined) {
    if (!Number.isFinite(number)) {
      throw new ExpressionEvaluationError(
        `template result ${JSON.stringify(
          result,
        )} is not a number JSON can hold`,
      );
    }
    return number;
  }
  const bool = parseGoBool(result);
  if (bool !== undefined) return bool;
  try {
    const parsed = JSON.parse(result) as JsonValue;
    if (allFinite(parsed)) return parsed;
  } catch {
    // Not JSON: a string.
  }
  return asString(result);
}

function* stringTemplate(
  template: string,
  scope: ExpressionScope,
  limits: Limits,
): Evaluator<JsonValue> {
  if (!hasDelimiter(template)) return template;
  const withTemplateFunctions: ExpressionScope = {
    variables: scope.variables,
    functions: { ...scope.functions, ...TEMPLATE_FUNCTIONS },
  };
  let text = '';
  let rest = template;
  for (;;) {
    const { before, expression, after } = nextExpression(rest);
    text += before;
    if (!expression) {
      text += after;
      break;
    }
    const evaluation = new Evaluation(withTemplateFunctions, limits);
    const value = yield* evaluation.run(parseExpression(expression));
    text += typeof value === 'string' ? value : goJSON(value);
    checkString(text.length, limits);
    rest = after;
  }
  return typed(text);
}

function* valueTemplate(
  value: JsonValue,
  scope: ExpressionScope,
  limits: Limits,
): Evaluator<JsonValue> {
  if (typeof value === 'string')
    return yield* stringTemplate(value, scope, limits);
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value)
      out.push(yield* valueTemplate(item, scope, limits));
    return out;
  }
  if (isMap(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      Object.defineProperty(out, key, {
        value: yield* valueTemplate(item, scope, limits),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** One string: its expressions evaluated, the result typed as Kargo types it. */
export function evaluateTemplateString(
  template: string,
  scope: ExpressionScope,
  options?: EvaluationOptions,
): Promise<JsonValue> {
  return runAsync(stringTemplate(template, scope, limitsFrom(options)));
}

/** As evaluateTemplateString, for scopes whose functions never wait. */
export function evaluateTemplateStringSync(
  template: string,
  scope: ExpressionScope,
  options?: EvaluationOptions,
): JsonValue {
  return runSync(stringTemplate(template, scope, limitsFrom(options)));
}

/**
 * A step `config` (or any JSON value) with the expressions in its string
 * values evaluated, at any depth; keys are never evaluated.
 */
export function evaluateTemplate(
  value: JsonValue,
  scope: ExpressionScope,
  options?: EvaluationOptions,
): Promise<JsonValue> {
  return runAsync(valueTemplate(value, scope, limitsFrom(options)));
}

/** As evaluateTemplate, for scopes whose functions never wait. */
export function evaluateTemplateSync(
  value: JsonValue,
  scope: ExpressionScope,
  options?: EvaluationOptions,
): JsonValue {
  return runSync(valueTemplate(value, scope, limitsFrom(options)));
}
