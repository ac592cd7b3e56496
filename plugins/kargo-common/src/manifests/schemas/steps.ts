import { z } from 'zod';
import {
  expressionVariables,
  goDuration,
  jsonObject,
  k8sName,
  reportDuplicates,
  strictObject,
} from './common';

/*
 * Promotion steps, shared by Stage promotion templates, PromotionTasks,
 * ClusterPromotionTasks and Promotions. Which step shapes are legal depends
 * on where the list lives, so the list schema takes a context.
 */

/** Aliases Kargo assigns itself to unnamed steps and tasks. */
const RESERVED_ALIAS_RE = /^(step|task)-\d+$/;

export const promotionTaskReference = strictObject({
  name: k8sName,
  kind: z.enum(['PromotionTask', 'ClusterPromotionTask']).optional(),
});

export const promotionStepRetry = strictObject({
  // Go decodes a Duration here, so anything time.ParseDuration accepts works.
  timeout: goDuration.optional(),
  // A uint32 in Go (the CRD says int32): negative values fail to decode.
  errorThreshold: z.number().int().min(0).max(2147483647).optional(),
});

export const promotionStep = strictObject({
  uses: z.string().min(1).optional(),
  task: promotionTaskReference.optional(),
  as: z.string().optional(),
  if: z.string().optional(),
  continueOnError: z.boolean().optional(),
  retry: promotionStepRetry.optional(),
  vars: expressionVariables.optional(),
  config: jsonObject.optional(),
});

export type PromotionStep = z.output<typeof promotionStep>;

/**
 * - `template`: Stage promotion templates; a step either `uses` a runner or
 *   references a `task` (CEL rules in the Stage CRD plus Stage webhook rules).
 * - `task`: (Cluster)PromotionTask steps; `uses` only, tasks do not nest.
 * - `promotion`: Promotion steps; `uses` only (tasks are inflated at creation).
 */
export type StepListContext = 'template' | 'task' | 'promotion';

type Ctx = z.core.$RefinementCtx;

const issue = (ctx: Ctx, path: PropertyKey[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

const has = (value: unknown) => value !== undefined;

function checkTemplateStep(ctx: Ctx, step: PromotionStep, i: number) {
  // CEL: `has(self.uses) ? !has(self.task) : has(self.task)`.
  if (has(step.uses) === has(step.task)) {
    issue(ctx, [i], 'must have exactly one of uses or task');
    return;
  }
  if (!step.task) return;
  // CEL: a step referencing a task cannot set continueOnError or retry
  // (presence counts, even `false`).
  for (const field of ['continueOnError', 'retry'] as const) {
    if (has(step[field])) {
      issue(
        ctx,
        [i, field],
        'must not be set on a step that references a task',
      );
    }
  }
  // Stage webhook: task references cannot carry a condition or config.
  if (step.if) {
    issue(ctx, [i, 'if'], 'must not be set on a step that references a task');
  }
  if (has(step.config)) {
    issue(
      ctx,
      [i, 'config'],
      'must not be set on a step that references a task',
    );
  }
}

function checkUsesOnlyStep(
  ctx: Ctx,
  step: PromotionStep,
  i: number,
  context: 'task' | 'promotion',
) {
  // CEL: `has(self.uses) && !has(self.task)`.
  if (has(step.task)) {
    issue(
      ctx,
      [i, 'task'],
      context === 'task'
        ? 'a PromotionTask step cannot reference another task'
        : 'a Promotion step cannot reference a task',
    );
  }
  if (!has(step.uses)) issue(ctx, [i, 'uses'], 'required');
}

/**
 * A list of steps (at least one). `pathPrefix` is the list's own path, used
 * to name the first occurrence of a duplicated alias.
 */
export function promotionSteps(context: StepListContext, pathPrefix: string) {
  return z
    .array(promotionStep)
    .min(1)
    .superRefine((steps, ctx) => {
      steps.forEach((step, i) => {
        if (context === 'template') checkTemplateStep(ctx, step, i);
        else checkUsesOnlyStep(ctx, step, i, context);
      });
      // Promotion steps are written by Kargo when it inflates a template, so
      // only authored step lists get the webhook's alias checks.
      if (context === 'promotion') return;
      reportDuplicates(
        ctx,
        steps,
        s => s.as?.trim() || undefined,
        (i, first, alias) => ({
          path: [i, 'as'],
          message: `alias "${alias}" is already used by ${pathPrefix}[${first}]`,
        }),
      );
      steps.forEach((step, i) => {
        const alias = step.as?.trim();
        if (alias && RESERVED_ALIAS_RE.test(alias)) {
          issue(
            ctx,
            [i, 'as'],
            `alias "${alias}" is reserved (Kargo names unnamed steps step-<n> and task-<n>)`,
          );
        }
      });
    });
}
