/*
 * Kargo's expression language (expr-lang) for the Kargo backend: a jsep
 * based parser, one sandboxed evaluator with sync and async drivers,
 * expr-lang's builtins, Kargo's templates and promotion functions.
 */
export {
  evaluateExpression,
  evaluateExpressionAsync,
  type EvaluationOptions,
  type ExpressionFunction,
  type ExpressionScope,
} from './evaluateExpression';
export {
  ExpressionError,
  ExpressionEvaluationError,
  ExpressionSyntaxError,
} from './errors';
export { parseExpression, MAX_EXPRESSION_LENGTH } from './parseExpression';
export {
  evaluateTemplate,
  evaluateTemplateSync,
  evaluateTemplateString,
  evaluateTemplateStringSync,
} from './template';
export { ExprObject, GoStruct } from './values';
export type { ExprMethod } from './values';
export { GoDuration, GoTime, parseDate, parseGoDuration } from './goTime';
export { formatGo, goJSON, parseGoBool, parseGoFloat } from './goFormat';
export {
  createPromotionFunctions,
  freightCollectionFunctions,
  semverDiff,
  semverParse,
  SemverVersion,
  TEMPLATE_FUNCTIONS,
  warehouse,
} from './functions';
export type {
  DataLookups,
  PromotionFunctionDeps,
  StepStatusRecord,
} from './functions';
export { promotionVariables } from './promotionVariables';
export type { PromotionVariablesInput } from './promotionVariables';
export { resolveVars } from './resolveVars';
export type { VarDefinition } from './resolveVars';
export { freightFunctions } from './freightFunctions';
