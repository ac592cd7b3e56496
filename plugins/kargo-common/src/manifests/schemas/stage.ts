import { z } from 'zod';
import {
  crdDuration,
  expressionVariables,
  freightOrigin,
  labelSelector,
  reportDuplicates,
  strictObject,
  stringMap,
} from './common';
import { resourceSchema } from './resource';
import { promotionSteps } from './steps';

/*
 * Stage: what Freight it requests and from where, how it is promoted
 * (template steps), and how it is verified.
 */

const autoPromotionOptions = strictObject({
  selectionPolicy: z.enum(['NewestFreight', 'MatchUpstream']).optional(),
});

export const freightSources = strictObject({
  direct: z.boolean().optional(),
  stages: z.array(z.string()).optional(),
  requiredSoakTime: crdDuration.optional(),
  // "" is accepted and means OneOf.
  availabilityStrategy: z.enum(['All', 'OneOf', '']).optional(),
  autoPromotionOptions: autoPromotionOptions.optional(),
}).superRefine((sources, ctx) => {
  const upstream = sources.stages?.length ?? 0;
  // Kargo's API contract: Freight must come from somewhere.
  if (!sources.direct && upstream === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'at least one of direct or stages is required',
    });
  }
  // Stage webhook: MatchUpstream follows exactly one upstream Stage.
  if (sources.autoPromotionOptions?.selectionPolicy === 'MatchUpstream') {
    const path = ['autoPromotionOptions', 'selectionPolicy'];
    if (sources.direct) {
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          'MatchUpstream cannot be used when accepting Freight directly from its origin',
      });
    }
    if (upstream !== 1) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: 'MatchUpstream requires exactly one upstream stage',
      });
    }
  }
});

export const freightRequest = strictObject({
  origin: freightOrigin,
  sources: freightSources,
});

const requestedFreight = z
  .array(freightRequest)
  .min(1)
  .superRefine((requests, ctx) => {
    // Stage webhook: one request per origin.
    reportDuplicates(
      ctx,
      requests,
      r => `${r.origin.kind}/${r.origin.name}`,
      (i, first, origin) => ({
        path: [i, 'origin'],
        message: `${origin} is already requested by spec.requestedFreight[${first}]`,
      }),
    );
  });

const promotionTemplate = strictObject({
  spec: strictObject({
    vars: expressionVariables.optional(),
    steps: promotionSteps(
      'template',
      'spec.promotionTemplate.spec.steps',
    ).optional(),
  }),
});

const verification = strictObject({
  analysisTemplates: z
    .array(
      strictObject({
        name: z.string(),
        kind: z
          .enum(['AnalysisTemplate', 'ClusterAnalysisTemplate'])
          .optional(),
      }),
    )
    .optional(),
  analysisRunMetadata: strictObject({
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }).optional(),
  args: z
    .array(strictObject({ name: z.string(), value: z.string() }))
    .optional(),
});

export const stageSpec = strictObject({
  shard: z.string().optional(),
  vars: expressionVariables.optional(),
  requestedFreight,
  promotionTemplate: promotionTemplate.optional(),
  verification: verification.optional(),
  // Target-aware Stages (fan-out is Kargo Enterprise behaviour).
  targets: strictObject({ selectors: z.array(labelSelector) }).optional(),
});

export const stageSchema = resourceSchema('Stage', { spec: stageSpec });

export type StageResource = z.output<typeof stageSchema>;
