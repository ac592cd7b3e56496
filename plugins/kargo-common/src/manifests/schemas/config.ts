import { z } from 'zod';
import {
  compilePromotionWindow,
  PromotionWindowError,
} from '../../promotionWindows/promotionWindow';
import {
  k8sName,
  labelSelector,
  labelSelectorShape,
  localObjectReference,
  reportDuplicates,
  strictObject,
  stringMap,
} from './common';

/*
 * Pieces shared by ProjectConfig and ClusterConfig: webhook receivers, deep
 * links and promotion windows.
 */

// ---------------------------------------------------------------------------
// Webhook receivers

const secretReceiver = strictObject({ secretRef: localObjectReference });

const genericTarget = strictObject({
  kind: z.enum(['Warehouse']),
  name: z.string().optional(),
  labelSelector: labelSelector.optional(),
  indexSelector: strictObject({
    matchIndices: z
      .array(
        strictObject({
          key: z.enum(['subscribedURLs', 'receiverPaths']),
          operator: z.string(),
          value: z.string(),
        }),
      )
      .min(1)
      .optional(),
  }).optional(),
}).superRefine((target, ctx) => {
  // Receiver validation: a target must be selected by something.
  const selector = target.labelSelector;
  const hasLabels =
    Object.keys(selector?.matchLabels ?? {}).length > 0 ||
    (selector?.matchExpressions?.length ?? 0) > 0;
  const hasIndices = (target.indexSelector?.matchIndices?.length ?? 0) > 0;
  if (!target.name && !hasLabels && !hasIndices) {
    ctx.addIssue({
      code: 'custom',
      message:
        'at least one of name, labelSelector or indexSelector is required',
    });
  }
});

const genericReceiver = strictObject({
  secretRef: localObjectReference,
  actions: z
    .array(
      strictObject({
        action: z.enum(['Refresh']),
        whenExpression: z.string().optional(),
        parameters: stringMap.optional(),
        targetSelectionCriteria: z.array(genericTarget).min(1).optional(),
      }),
    )
    .min(1)
    .optional(),
});

export const WEBHOOK_PROVIDERS = [
  'artifactory',
  'azure',
  'bitbucket',
  'dockerhub',
  'generic',
  'gitea',
  'github',
  'gitlab',
  'harbor',
  'quay',
] as const;

export const webhookReceiver = strictObject({
  name: k8sName,
  artifactory: strictObject({
    secretRef: localObjectReference,
    virtualRepoName: z.string().optional(),
  }).optional(),
  azure: secretReceiver.optional(),
  bitbucket: secretReceiver.optional(),
  dockerhub: secretReceiver.optional(),
  generic: genericReceiver.optional(),
  gitea: secretReceiver.optional(),
  github: secretReceiver.optional(),
  gitlab: secretReceiver.optional(),
  harbor: secretReceiver.optional(),
  quay: secretReceiver.optional(),
}).superRefine((receiver, ctx) => {
  const providers = WEBHOOK_PROVIDERS.filter(p => receiver[p] !== undefined);
  if (providers.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        providers.length === 0
          ? `exactly one of ${WEBHOOK_PROVIDERS.join(', ')} is required`
          : `must configure exactly one provider, found ${providers.join(
              ', ',
            )}`,
    });
  }
});

export function webhookReceivers(pathPrefix: string) {
  return z.array(webhookReceiver).superRefine((receivers, ctx) => {
    reportDuplicates(
      ctx,
      receivers,
      r => r.name,
      (i, first, name) => ({
        path: [i, 'name'],
        message: `receiver name "${name}" is already used by ${pathPrefix}[${first}]`,
      }),
    );
  });
}

// ---------------------------------------------------------------------------
// Deep links (rendered in the UI; url and if are expressions)

export const deepLink = strictObject({
  title: z.string().min(1),
  url: z.string().min(1),
  description: z.string().optional(),
  if: z.string().optional(),
});

// ---------------------------------------------------------------------------
// Promotion windows (Kargo Enterprise; OSS keeps the API)

/** Selects resources by exact name, `glob:`/`regex:` pattern and/or labels. */
export const nameOrLabelSelector = strictObject({
  name: z.string().optional(),
  ...labelSelectorShape,
});

export const promotionWindow = strictObject({
  name: k8sName,
  kind: z.enum(['Allow', 'Deny']),
  stageSelector: nameOrLabelSelector.optional(),
  projectSelector: nameOrLabelSelector.optional(),
  rrule: z.string().optional(),
  dtstart: z.string().optional(),
  dtend: z.string().optional(),
}).superRefine((window, ctx) => {
  // Kargo leaves these to its Enterprise controller; here they are checked
  // when applied, so a window that could never be evaluated is refused.
  try {
    compilePromotionWindow(window);
  } catch (error) {
    if (!(error instanceof PromotionWindowError)) throw error;
    ctx.addIssue({
      code: 'custom',
      path: [error.field],
      message: error.message,
    });
  }
});

export function promotionWindows(
  pathPrefix: string,
  scope: 'project' | 'cluster',
) {
  return z.array(promotionWindow).superRefine((windows, ctx) => {
    // The list is keyed by name (list-type map).
    reportDuplicates(
      ctx,
      windows,
      w => w.name,
      (i, first, name) => ({
        path: [i, 'name'],
        message: `window name "${name}" is already used by ${pathPrefix}[${first}]`,
      }),
    );
    // A ProjectConfig window is implicitly scoped to its project.
    if (scope === 'project') {
      windows.forEach((w, i) => {
        if (w.projectSelector !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'projectSelector'],
            message: 'is only allowed on ClusterConfig promotion windows',
          });
        }
      });
    }
  });
}
