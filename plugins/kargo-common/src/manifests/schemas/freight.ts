import { z } from 'zod';
import {
  freightOrigin,
  jsonObject,
  rfc3339,
  strictObject,
  stringMap,
} from './common';
import { resourceSchema } from './resource';

/*
 * Freight: an immutable set of artifact revisions. Unlike other kinds its
 * content sits at the top level of the object, not under `spec`.
 */

export const gitCommit = strictObject({
  repoURL: z.string().optional(),
  id: z.string().optional(),
  branch: z.string().optional(),
  tag: z.string().optional(),
  message: z.string().optional(),
  author: z.string().optional(),
  committer: z.string().optional(),
  subscriptionName: z.string().optional(),
});

export const freightImage = strictObject({
  repoURL: z.string().optional(),
  tag: z.string().optional(),
  digest: z.string().optional(),
  annotations: stringMap.optional(),
  subscriptionName: z.string().optional(),
});

export const freightChart = strictObject({
  repoURL: z.string().optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  subscriptionName: z.string().optional(),
});

/** An artifact discovered by a generic subscription. */
export const artifactReference = strictObject({
  artifactType: z.string().min(1).optional(),
  subscriptionName: z.string().min(1),
  version: z.string().min(1),
  metadata: jsonObject.optional(),
});

export const freightSchema = resourceSchema(
  'Freight',
  {
    alias: z.string().optional(),
    origin: freightOrigin,
    commits: z.array(gitCommit).optional(),
    images: z.array(freightImage).optional(),
    charts: z.array(freightChart).optional(),
    artifacts: z.array(artifactReference).optional(),
    discoveredAt: rfc3339.optional(),
  },
  // Kargo names Freight after a hash of its content.
  { nameRequired: false },
).superRefine((freight, ctx) => {
  // Freight webhook: Freight must carry something.
  const count =
    (freight.commits?.length ?? 0) +
    (freight.images?.length ?? 0) +
    (freight.charts?.length ?? 0) +
    (freight.artifacts?.length ?? 0);
  if (count === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'must contain at least one commit, image, chart or artifact',
    });
  }
});

export type FreightResource = z.output<typeof freightSchema>;
