import { z } from 'zod';
import { checkGoRegex } from '../goRegex';
import { metricProvider, notSupported } from './analysisProviders';
import {
  checkMetricRules,
  IntOrString,
  isTemplated,
  parseRolloutsDuration,
} from './analysisRules';
import { reportDuplicates, strictObject } from './common';
import { resourceSchema } from './resource';

/*
 * Argo Rollouts' AnalysisTemplate (namespaced: lives in a project) and
 * ClusterAnalysisTemplate (cluster-scoped), apiVersion argoproj.io/v1alpha1,
 * as Stage verification refers to them. Besides the CRD's shape, the rules
 * Rollouts applies when a run starts (ValidateMetrics) are checked here, so
 * a mistake is a 400 at apply time rather than an Error verification later.
 */

/** count, failureLimit, …: an integer, or a string holding one (or an arg). */
const intOrString = z.unknown().superRefine((value, ctx) => {
  if (typeof value === 'number' && Number.isInteger(value)) return;
  if (typeof value === 'string') {
    if (isTemplated(value) || /^[+-]?\d+$/.test(value)) return;
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be an integer, or a string holding one or {{args.name}}',
  });
}) as unknown as z.ZodType<IntOrString>;

/** interval, initialDelay: a Go duration such as 30s, 5m or 1h30m. */
const durationString = z.string().superRefine((value, ctx) => {
  if (isTemplated(value) || parseRolloutsDuration(value) !== undefined) {
    return;
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be a duration such as 30s, 5m or 1h30m',
  });
});

export const analysisMetric = strictObject({
  name: z.string().min(1),
  interval: durationString.optional(),
  initialDelay: durationString.optional(),
  count: intOrString.optional(),
  successCondition: z.string().optional(),
  failureCondition: z.string().optional(),
  failureLimit: intOrString.optional(),
  inconclusiveLimit: intOrString.optional(),
  consecutiveErrorLimit: intOrString.optional(),
  consecutiveSuccessLimit: intOrString.optional(),
  provider: metricProvider,
}).superRefine((metric, ctx) => {
  for (const issue of checkMetricRules(metric, {
    skipTemplated: true,
    durations: false,
  })) {
    ctx.addIssue({
      code: 'custom',
      path: [issue.field],
      message: issue.message,
    });
  }
});

export const analysisArgument = strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: strictObject({
    secretKeyRef: strictObject({
      name: z.string().min(1),
      key: z.string().min(1),
    }).optional(),
    fieldRef: notSupported(
      'fieldRef reads a Rollout, which verification has none of; use value or secretKeyRef',
    ).optional(),
  }).optional(),
});

const measurementRetention = strictObject({
  metricName: z.string().superRefine((pattern, ctx) => {
    const problem = checkGoRegex(pattern);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a valid regular expression: ${problem}`,
      });
    }
  }),
  limit: z.number().int().min(1),
});

export const analysisTemplateSpec = strictObject({
  metrics: z
    .array(analysisMetric)
    .min(1)
    .superRefine((metrics, ctx) =>
      reportDuplicates(
        ctx,
        metrics,
        m => m.name,
        (i, first, name) => ({
          path: [i, 'name'],
          message: `duplicate metric name "${name}" (also spec.metrics[${first}])`,
        }),
      ),
    ),
  args: z
    .array(analysisArgument)
    .optional()
    .superRefine((args, ctx) =>
      reportDuplicates(
        ctx,
        args ?? [],
        a => a.name,
        (i, first, name) => ({
          path: [i, 'name'],
          message: `duplicate argument "${name}" (also spec.args[${first}])`,
        }),
      ),
    ),
  measurementRetention: z.array(measurementRetention).optional(),
  dryRun: notSupported(
    'dry-run metrics are not supported here: every metric counts',
  ).optional(),
  templates: notSupported(
    'templates (nested template references) are not supported here; list the templates on the Stage',
  ).optional(),
});

export const analysisTemplateSchema = resourceSchema('AnalysisTemplate', {
  spec: analysisTemplateSpec,
});

export const clusterAnalysisTemplateSchema = resourceSchema(
  'ClusterAnalysisTemplate',
  { spec: analysisTemplateSpec },
);

export type AnalysisTemplateSpec = z.output<typeof analysisTemplateSpec>;
export type AnalysisMetric = z.output<typeof analysisMetric>;
export type AnalysisArgument = z.output<typeof analysisArgument>;
export type AnalysisTemplateResource = z.output<typeof analysisTemplateSchema>;
export type ClusterAnalysisTemplateResource = z.output<
  typeof clusterAnalysisTemplateSchema
>;
