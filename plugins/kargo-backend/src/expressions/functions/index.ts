import type { PromotionFreightReference } from '@kargo-backstage/plugin-kargo-node';
import type { ExpressionFunction } from '../evaluator';
import { DataLookups, dataFunctions } from './data';
import { freightCollectionFunctions } from './freight';
import { asJSON, asYAML, quote, unsafeQuote } from './quote';
import { semverDiff, semverParse } from './semver';
import { StepStatusRecord, statusFunctions } from './status';

export type { DataLookups } from './data';
export type { StepStatusRecord } from './status';
export { SemverVersion, semverDiff, semverParse } from './semver';
export { freightCollectionFunctions, warehouse } from './freight';
export { TEMPLATE_FUNCTIONS } from './quote';

/** What Kargo's promotion functions read. */
export type PromotionFunctionDeps = DataLookups & {
  /** The Promotion's Freight collection (target plus the Stage's others). */
  freight: PromotionFreightReference[];
  /** Earlier steps of this Promotion, in order. */
  stepStatuses(): StepStatusRecord[];
  /** The alias of the step being evaluated (status() resolves within its task). */
  currentStepAlias?: string;
};

/**
 * Kargo's promotion functions (reference §3): quote, unsafeQuote, asYAML,
 * asJSON, warehouse, imageFrom, commitFrom, chartFrom, artifactFrom,
 * secret, sharedSecret, configMap, sharedConfigMap, freightMetadata,
 * freightStatus, stageMetadata, semverDiff, semverParse, success, failure,
 * always and status. Lookups are memoized per call of this factory: make
 * one set per step evaluation.
 */
export function createPromotionFunctions(
  deps: PromotionFunctionDeps,
): Record<string, ExpressionFunction> {
  return {
    quote,
    unsafeQuote,
    asYAML,
    asJSON,
    ...freightCollectionFunctions(deps.freight),
    ...dataFunctions(deps),
    semverDiff,
    semverParse,
    ...statusFunctions(() => deps.stepStatuses(), deps.currentStepAlias),
  };
}
