import { z } from 'zod';
import { localObjectReference, strictObject } from './common';
import { deepLink, promotionWindows, webhookReceivers } from './config';
import { resourceSchema } from './resource';

/*
 * ClusterConfig: cluster-wide settings in a singleton named `cluster`.
 */

export const CLUSTER_CONFIG_NAME = 'cluster';

// Close to the OpenAPI "email" format the CRD declares.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const gitClientConfig = strictObject({
  name: z.string().min(1),
  email: z.string().regex(EMAIL_RE, { error: 'must be an email address' }),
  signingKeySecret: localObjectReference.optional(),
});

export const clusterConfigSpec = strictObject({
  webhookReceivers: webhookReceivers('spec.webhookReceivers').optional(),
  gitClient: gitClientConfig.optional(),
  freightLinks: z.array(deepLink).optional(),
  stageLinks: z.array(deepLink).optional(),
  /** Kargo Enterprise only. */
  promotionWindows: promotionWindows(
    'spec.promotionWindows',
    'cluster',
  ).optional(),
});

export const clusterConfigSchema = resourceSchema(
  'ClusterConfig',
  { spec: clusterConfigSpec.optional() },
  {
    checkName: name =>
      name === CLUSTER_CONFIG_NAME
        ? undefined
        : `must be "${CLUSTER_CONFIG_NAME}" (ClusterConfig is a singleton)`,
  },
);

export type ClusterConfigResource = z.output<typeof clusterConfigSchema>;
