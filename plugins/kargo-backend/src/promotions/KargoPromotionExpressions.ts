import type { JsonObject, JsonValue } from '@backstage/types';
import type { KargoStore } from '../database';
import {
  createPromotionFunctions,
  evaluateExpression,
  evaluateTemplate,
  evaluateTemplateString,
  ExpressionScope,
  promotionVariables,
  resolveVars,
} from '../expressions';
import type { SecretsProvider } from '../secrets';
import type { Var } from './inflateSteps';
import type {
  PromotionExpressions,
  StepScopeInput,
} from './PromotionExpressions';
import { isFailure, StepMeta } from './stepStatus';

type Scope = ExpressionScope;

/**
 * Kargo's expression environment for promotion steps, on the suite's
 * expression language: `ctx`, `vars` (Stage ⊕ Promotion ⊕ step, later
 * wins, evaluated in order), `outputs`, `task.outputs`, and the promotion
 * functions over the Promotion's Freight, project secrets and config maps,
 * and Stage/Freight metadata.
 */
export class KargoPromotionExpressions implements PromotionExpressions {
  constructor(
    private readonly deps: {
      store: KargoStore;
      secrets: SecretsProvider;
      configMaps: SecretsProvider;
      uiBaseUrl?: string;
    },
  ) {}

  async scopeFor(input: StepScopeInput): Promise<Scope> {
    const { store } = this.deps;
    const { project } = input;
    const functions = createPromotionFunctions({
      freight: input.freight,
      currentStepAlias: input.alias,
      stepStatuses: () =>
        input.metas
          .filter(m => m.status)
          .map(m => ({
            alias: m.alias,
            status: m.status!,
            continueOnError: m.continueOnError,
          })),
      lookupSecret: (name, shared) =>
        this.deps.secrets.get(shared ? undefined : project, name),
      lookupConfigMap: (name, shared) =>
        this.deps.configMaps.get(shared ? undefined : project, name),
      freightMetadata: async name => {
        const freight = await store.getFreight(project, name);
        return freight
          ? ((freight.status.metadata ?? {}) as JsonObject)
          : undefined;
      },
      freightStatus: async name =>
        (await store.getFreight(project, name))?.status,
      stageMetadata: async name => {
        const stage = await store.getResource({ kind: 'Stage', project, name });
        return stage
          ? ((stage.status.metadata ?? {}) as JsonObject)
          : undefined;
      },
      onSecretRevealed: input.onSecret,
    });
    const targetAlias = (await store.getFreight(project, input.target.name))
      ?.alias;
    const base = (
      vars: Record<string, JsonValue>,
      withOutputs: boolean,
    ): Scope => ({
      functions,
      variables: promotionVariables({
        project,
        stage: input.stage,
        promotion: input.promotion.name,
        targetFreight: { ...input.target, alias: targetAlias },
        actor: input.actor,
        stepAlias: input.alias,
        uiBaseUrl: this.deps.uiBaseUrl,
        vars,
        outputs: withOutputs ? input.outputs : undefined,
      }),
    });
    const stage = await store.getResource({
      kind: 'Stage',
      project,
      name: input.stage,
    });
    const layers: Var[][] = [
      (stage?.spec.vars ?? []) as Var[],
      (input.promotion.spec.vars ?? []) as Var[],
      input.step.vars ?? [],
    ];
    // Promotion-level vars cannot see step outputs; step vars can.
    const vars = await resolveVars(layers, layer => base({}, layer === 2));
    return base(vars, true);
  }

  async shouldRun(
    step: { if?: string },
    scope: unknown,
    earlier: StepMeta[],
  ): Promise<boolean> {
    if (!step.if) return !earlier.some(isFailure);
    const result = await evaluateTemplateString(step.if, scope as Scope);
    if (typeof result !== 'boolean') {
      throw new Error(
        `if: must evaluate to a boolean, not ${
          result === null ? 'nil' : typeof result
        } (${JSON.stringify(result)})`,
      );
    }
    return result;
  }

  evaluateConfig(config: JsonObject, scope: unknown): Promise<JsonValue> {
    return evaluateTemplate(config, scope as Scope);
  }

  evaluateSync(
    expression: string,
    scope: unknown,
    extra?: Record<string, unknown>,
  ): unknown {
    const s = scope as Scope;
    return evaluateExpression(expression, {
      ...s,
      variables: { ...s.variables, ...extra },
    });
  }
}
