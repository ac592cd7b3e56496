import jsep, { Expression } from 'jsep';
import ternary from '@jsep-plugin/ternary';

/*
 * Kargo's expressions are expr-lang (github.com/expr-lang/expr). We parse
 * them with jsep, a maintained expression parser, taught expr-lang's word
 * operators and precedence; evaluation is ours (evaluateExpression.ts) and
 * touches nothing but the values and functions it is given.
 */
jsep.plugins.register(ternary);
// expr-lang precedence, lowest first.
jsep.addBinaryOp('??', 1);
jsep.addBinaryOp('or', 2);
jsep.removeBinaryOp('||');
jsep.addBinaryOp('||', 2);
jsep.addBinaryOp('and', 3);
jsep.removeBinaryOp('&&');
jsep.addBinaryOp('&&', 3);
for (const op of ['in', 'matches', 'contains', 'startsWith', 'endsWith']) {
  jsep.addBinaryOp(op, 7);
}
jsep.addBinaryOp('**', 11, true);
jsep.addUnaryOp('not');
// Bitwise operators do not exist in expr-lang.
for (const op of ['|', '^', '&', '<<', '>>', '>>>']) {
  jsep.removeBinaryOp(op);
}
jsep.removeUnaryOp('~');

/** Source longer than this is refused, keeping parsing and evaluation bounded. */
export const MAX_EXPRESSION_LENGTH = 4096;

export class ExpressionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

const cache = new Map<string, Expression>();
const CACHE_LIMIT = 1000;

/** Parses an expression (cached: the same text is parsed once). */
export function parseExpression(source: string): Expression {
  const cached = cache.get(source);
  if (cached) {
    return cached;
  }
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionSyntaxError(
      `expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
    );
  }
  let ast: Expression;
  try {
    ast = jsep(source);
  } catch (error) {
    throw new ExpressionSyntaxError(
      `invalid expression ${JSON.stringify(source)}: ${
        (error as Error).message
      }`,
    );
  }
  if (cache.size >= CACHE_LIMIT) {
    cache.delete(cache.keys().next().value!);
  }
  cache.set(source, ast);
  return ast;
}
