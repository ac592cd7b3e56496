import { createHash } from 'node:crypto';

/** The receiver types, named as Kargo names them in URL paths. */
export const RECEIVER_TYPES = [
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

export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** The Secret data key each receiver type reads (Kargo's *SecretDataKey). */
export const RECEIVER_SECRET_KEYS: Record<ReceiverType, string> = {
  artifactory: 'secret-token',
  azure: 'secret',
  bitbucket: 'secret',
  dockerhub: 'secret',
  generic: 'secret',
  gitea: 'secret',
  github: 'secret',
  gitlab: 'secret-token',
  harbor: 'auth-header',
  quay: 'secret',
};

/**
 * A receiver's path, as Kargo's buildWebhookPath makes it with an empty base
 * path: `/<type>/<hex sha256(project + receiverName + secret values)>`, the
 * strings concatenated without separators. Cluster receivers (ClusterConfig)
 * have project ''. Every receiver type contributes exactly one secret value.
 */
export function buildWebhookPath(
  project: string,
  type: ReceiverType,
  receiverName: string,
  secretValues: string[],
): string {
  const hash = createHash('sha256')
    .update(project + receiverName + secretValues.join(''), 'utf8')
    .digest('hex');
  return `/${type}/${hash}`;
}
