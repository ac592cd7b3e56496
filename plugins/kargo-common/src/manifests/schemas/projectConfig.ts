import { z } from 'zod';
import { checkGlob, k8sNamePattern, strictObject } from './common';
import { checkGoRegex } from '../goRegex';
import {
  deepLink,
  nameOrLabelSelector,
  promotionWindows,
  webhookReceivers,
} from './config';
import { projectNameCheck } from './metadata';
import { resourceSchema } from './resource';

/*
 * ProjectConfig: per-project settings, one per project, named like it.
 * Promotion policies are evaluated in order (first match wins) and are the
 * only way to enable auto-promotion for a Stage.
 */

/** Set-like list of at most two allowed phases (CEL + list-type set). */
function phaseSet(allowed: readonly [string, ...string[]]) {
  return z
    .array(z.enum(allowed))
    .max(2)
    .superRefine((items, ctx) => {
      items.forEach((item, i) => {
        if (items.indexOf(item) !== i) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `duplicate value "${item}"`,
          });
        }
      });
    });
}

const autoRollback = strictObject({
  onPromotion: phaseSet(['Failed', 'Errored']).optional(),
  onVerification: phaseSet(['Failed', 'Error']).optional(),
});

export const promotionPolicy = strictObject({
  /** Deprecated in favour of stageSelector. */
  stage: k8sNamePattern.optional(),
  stageSelector: nameOrLabelSelector.optional(),
  autoPromotionEnabled: z.boolean().optional(),
  /** Kargo Enterprise only. */
  autoRollback: autoRollback.optional(),
}).superRefine((policy, ctx) => {
  // CEL: exactly one of stage or stageSelector.
  if ((policy.stage === undefined) === (policy.stageSelector === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must have exactly one of stage or stageSelector',
    });
  }
});

type PromotionPolicy = z.output<typeof promotionPolicy>;

/** Checks a `glob:`/`regex:`/`regexp:` stage name pattern (webhook rule). */
function checkStagePattern(name: string): string | undefined {
  const [prefix, body] = [
    name.slice(0, name.indexOf(':')),
    name.slice(name.indexOf(':') + 1),
  ];
  if (prefix === 'glob') {
    const problem = checkGlob(body);
    return problem && `invalid glob pattern: glob ${problem}`;
  }
  if (prefix === 'regex' || prefix === 'regexp') {
    const problem = checkGoRegex(body);
    return problem && `invalid ${prefix} pattern: ${problem}`;
  }
  return `invalid pattern identifier "${prefix}": must be "regex", "regexp" or "glob"`;
}

const promotionPolicies = z
  .array(promotionPolicy)
  .superRefine((policies, ctx) => {
    const exact = new Map<string, number>();
    policies.forEach((policy: PromotionPolicy, i) => {
      const [name, path] = policy.stageSelector
        ? [policy.stageSelector.name, [i, 'stageSelector', 'name']]
        : [policy.stage, [i, 'stage']];
      if (!name) return;
      if (name.includes(':')) {
        const problem = checkStagePattern(name);
        if (problem) ctx.addIssue({ code: 'custom', path, message: problem });
        return;
      }
      // Webhook: an exact stage name may have only one policy.
      const first = exact.get(name);
      if (first === undefined) exact.set(name, i);
      else {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `stage "${name}" already has a policy at spec.promotionPolicies[${first}]`,
        });
      }
    });
  });

export const projectConfigSpec = strictObject({
  promotionPolicies: promotionPolicies.optional(),
  webhookReceivers: webhookReceivers('spec.webhookReceivers').optional(),
  freightLinks: z.array(deepLink).optional(),
  stageLinks: z.array(deepLink).optional(),
  /** Kargo Enterprise only. */
  promotionWindows: promotionWindows(
    'spec.promotionWindows',
    'project',
  ).optional(),
});

export const projectConfigSchema = resourceSchema(
  'ProjectConfig',
  { spec: projectConfigSpec.optional() },
  { checkName: projectNameCheck },
).superRefine((config, ctx) => {
  // Webhook: a ProjectConfig is named after its project (= its namespace).
  const { name, namespace } = config.metadata;
  if (namespace && name && name !== namespace) {
    ctx.addIssue({
      code: 'custom',
      path: ['metadata', 'name'],
      message: `must match the project name "${namespace}"`,
    });
  }
});

export type ProjectConfigResource = z.output<typeof projectConfigSchema>;
