export {
  evaluateExpression,
  ExpressionEvaluationError,
  type ExpressionScope,
} from './evaluateExpression';
export { parseExpression, ExpressionSyntaxError } from './parseExpression';
export { freightFunctions } from './freightFunctions';
