import {
  evaluateExpression,
  ExpressionError,
  formatGo,
  GoDuration,
  GoTime,
  parseExpression,
  parseGoBool,
} from '../../../expressions';

/*
 * Kargo's git `expressionFilter`, on the shared expr-lang evaluator.
 *
 * Kargo compiles the filter with expr.Compile (no typed environment) and runs
 * it over a flat map of commit fields (id, commitDate, author, committer,
 * subject) or tag fields (tag, id, creatorDate, author, committer, subject,
 * tagger, annotation); dates are Go time.Time values, on which the documented
 * filters call methods (`commitDate.After(date(…))`, `creatorDate.Year()`).
 * Unknown names are nil; expr-lang's builtins (date, now, duration, lower,
 * hasPrefix, …) are available; nothing else can be called.
 */

export { ExpressionError, GoDuration, GoTime };
export { parseDate, parseGoDuration } from '../../../expressions';

/** The values a commit's or tag's fields take. */
export type ExprValue =
  | string
  | number
  | boolean
  | null
  | GoTime
  | GoDuration
  | ExprValue[];

/** A compiled filter. */
export type ExpressionFilter = {
  readonly source: string;
  /**
   * Evaluates the filter over one commit's or tag's fields. A non-boolean
   * result is read as Kargo does (its %v text through strconv.ParseBool).
   * Throws ExpressionError on evaluation errors.
   */
  matches(env: Record<string, ExprValue>): boolean;
};

/** Parses an expression; throws ExpressionError on syntax errors. */
export function compileExpressionFilter(
  source: string,
  options: { now?: () => Date } = {},
): ExpressionFilter {
  parseExpression(source);
  return {
    source,
    matches(env) {
      const result = evaluateExpression(
        source,
        { variables: env },
        { now: options.now },
      );
      if (typeof result === 'boolean') return result;
      const parsed = parseGoBool(formatGo(result));
      if (parsed === undefined) {
        throw new ExpressionError(
          `expression result ${formatGo(result)} is not a boolean`,
        );
      }
      return parsed;
    },
  };
}
