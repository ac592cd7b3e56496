import type { JsonObject, JsonValue } from '@backstage/types';

/** What a promotion step's expressions know about their Promotion. */
export type PromotionVariablesInput = {
  project: string;
  stage: string;
  promotion: string;
  targetFreight: { name: string; alias?: string; origin: { name: string } };
  /** The Promotion's creator (`kargo.akuity.io/create-actor`). */
  actor?: string;
  rollback?: boolean;
  /** The step being evaluated (`task::step` inside tasks). */
  stepAlias?: string;
  uiBaseUrl?: string;
  /** Resolved vars (see resolveVars). */
  vars?: Record<string, JsonValue>;
  /** Outputs of earlier steps, by alias. */
  outputs?: Record<string, JsonObject>;
  /** Execution records by alias (Kargo's internal `stepMetas`). */
  stepMetas?: Record<string, JsonObject>;
  /** Only for Promotions to a Target: its params and labels. */
  target?: { params?: JsonObject; labels?: Record<string, string> };
};

const SEPARATOR = '::';

/** Outputs of the other steps of the current step's task, by short alias. */
function taskOutputs(alias: string, outputs: Record<string, JsonObject>) {
  const parts = alias.split(SEPARATOR);
  if (parts.length !== 2) return undefined;
  const prefix = parts[0] + SEPARATOR;
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(
        ([key]) => key.startsWith(prefix) && key.split(SEPARATOR).length === 2,
      )
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/**
 * Kargo's promotion variables (BuildExprEnv): `ctx` (uiBaseUrl, project,
 * stage, promotion, targetFreight {name, alias, origin {name}}, meta
 * {promotion {actor, rollback}, step {alias}}), `vars`, `outputs`,
 * `stepMetas`, `task.outputs` for steps inside a PromotionTask and `target`
 * for Target promotions. Leave `outputs` out when evaluating
 * Promotion-level vars, which cannot see them.
 */
export function promotionVariables(
  input: PromotionVariablesInput,
): Record<string, unknown> {
  const stepAlias = input.stepAlias ?? '';
  const variables: Record<string, unknown> = {
    ctx: {
      uiBaseUrl: input.uiBaseUrl ?? '',
      project: input.project,
      stage: input.stage,
      promotion: input.promotion,
      targetFreight: {
        name: input.targetFreight.name,
        alias: input.targetFreight.alias ?? '',
        origin: { name: input.targetFreight.origin.name },
      },
      meta: {
        promotion: {
          actor: input.actor ?? '',
          rollback: input.rollback ?? false,
        },
        step: { alias: stepAlias },
      },
    },
    vars: input.vars ?? {},
  };
  if (input.outputs) {
    variables.outputs = input.outputs;
    const task = taskOutputs(stepAlias, input.outputs);
    if (task) variables.task = { outputs: task };
  }
  if (input.stepMetas) variables.stepMetas = input.stepMetas;
  if (input.target) {
    variables.target = {
      params: input.target.params ?? {},
      labels: input.target.labels ?? {},
    };
  }
  return variables;
}
