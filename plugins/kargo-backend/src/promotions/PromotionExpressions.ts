import type { JsonObject, JsonValue } from '@backstage/types';
import type { PromotionFreightReference } from '@kargo-backstage/plugin-kargo-node';
import type { StoredResource } from '../database';
import type { StepSpec } from './inflateSteps';
import type { StepMeta } from './stepStatus';

/** What a step's expressions can see. */
export type StepScopeInput = {
  project: string;
  stage: string;
  promotion: StoredResource;
  actor: string;
  step: StepSpec;
  alias: string;
  freight: PromotionFreightReference[];
  target: PromotionFreightReference;
  /** Outputs of earlier steps by alias (`task::step` for task steps). */
  outputs: Record<string, JsonObject>;
  /** Earlier steps' records, for success(), failure() and status(). */
  metas: StepMeta[];
  /** Called with every secret value an expression reads. */
  onSecret(value: string): void;
};

/** An opaque, prepared scope. */
export type StepScope = unknown;

/**
 * The runner's view of the expression language: Kargo's variables and
 * functions for one step, its `if`, its config template, and raw
 * expressions for steps' own `fromExpression` fields.
 */
export interface PromotionExpressions {
  scopeFor(input: StepScopeInput): Promise<StepScope>;
  /** The step's `if` (default: no earlier step failed). */
  shouldRun(
    step: StepSpec,
    scope: StepScope,
    earlier: StepMeta[],
  ): Promise<boolean>;
  evaluateConfig(config: JsonObject, scope: StepScope): Promise<JsonValue>;
  evaluateSync(
    expression: string,
    scope: StepScope,
    extra?: Record<string, unknown>,
  ): unknown;
}
