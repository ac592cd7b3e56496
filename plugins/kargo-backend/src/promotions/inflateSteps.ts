import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { KargoStore } from '../database';

/** A promotion step as manifests write it (Stage template, task, Promotion). */
export type StepSpec = {
  uses?: string;
  task?: { name: string; kind?: 'PromotionTask' | 'ClusterPromotionTask' };
  as?: string;
  if?: string;
  continueOnError?: boolean;
  retry?: { timeout?: string; errorThreshold?: number };
  vars?: Var[];
  config?: JsonObject;
};

export type Var = { name: string; value?: string };

/** Kargo's alias for the i-th (0-based) step or task reference. */
export function defaultAlias(step: StepSpec, index: number): string {
  const alias = step.as?.trim();
  if (alias) return alias;
  return step.task ? `task-${index}` : `step-${index}`;
}

/**
 * Expands a Stage's promotion template into the Promotion's own steps, as
 * Kargo's Promotion webhook does at creation: every step gets its alias,
 * and a step referencing a (Cluster)PromotionTask becomes the task's steps,
 * aliased `<task alias>::<step alias>`, with the task's variables resolved:
 * required ones must be given by the reference or the template, defaults
 * apply only where neither gives a value (step vars ⊕ template vars ⊕ task
 * defaults, earlier wins).
 */
export async function inflateSteps(
  store: KargoStore,
  project: string,
  template: { steps: StepSpec[]; vars?: Var[] },
): Promise<StepSpec[]> {
  const templateVars = new Set((template.vars ?? []).map(v => v.name));
  const steps: StepSpec[] = [];
  for (const [index, step] of template.steps.entries()) {
    const alias = defaultAlias(step, index);
    if (!step.task) {
      steps.push({ ...step, as: alias });
      continue;
    }
    const kind = step.task.kind ?? 'PromotionTask';
    const task = await store.getResource({
      kind,
      project: kind === 'PromotionTask' ? project : '',
      name: step.task.name,
    });
    const path = `spec.promotionTemplate.spec.steps[${index}].task`;
    if (!task) {
      throw new InputError(
        `${path}: ${kind} "${step.task.name}" does not exist${
          kind === 'PromotionTask' ? ` in project "${project}"` : ''
        }`,
      );
    }
    const given = new Set((step.vars ?? []).map(v => v.name));
    const taskVars = (task.spec.vars ?? []) as Var[];
    const missing = taskVars
      .filter(v => v.value === undefined || v.value === '')
      .map(v => v.name)
      .filter(name => !given.has(name) && !templateVars.has(name));
    if (missing.length) {
      throw new InputError(
        `${path}: ${kind} "${step.task.name}" needs the variable${
          missing.length > 1 ? 's' : ''
        } ${missing.map(m => `"${m}"`).join(', ')}; set ${
          missing.length > 1 ? 'them' : 'it'
        } in the step's vars or the template's vars`,
      );
    }
    const defaults = taskVars.filter(
      v =>
        v.value !== undefined &&
        v.value !== '' &&
        !given.has(v.name) &&
        !templateVars.has(v.name),
    );
    const inherited = [...defaults, ...(step.vars ?? [])];
    for (const [j, taskStep] of (
      (task.spec.steps ?? []) as StepSpec[]
    ).entries()) {
      steps.push({
        ...taskStep,
        as: `${alias}::${defaultAlias(taskStep, j)}`,
        vars: [...inherited, ...(taskStep.vars ?? [])],
      });
    }
  }
  return steps;
}
