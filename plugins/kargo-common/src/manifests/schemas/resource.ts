import { z } from 'zod';
import { apiVersionOf, isClusterScoped, KargoKind } from '../kinds';
import { jsonObject, strictObject } from './common';
import { objectMeta, ObjectMetaOptions } from './metadata';

/**
 * Builds the schema of a whole object (a Kargo kind or one of the Argo
 * Rollouts kinds stored alongside): apiVersion, kind, metadata and
 * the kind's own top-level fields (usually just `spec`).
 *
 * `status` is accepted (any object, so `kubectl get -o yaml` output can be
 * applied) but dropped from the output: only the engine writes status. For
 * cluster-scoped kinds a `metadata.namespace` is dropped too, as the API
 * server does.
 */
export function resourceSchema<
  K extends KargoKind,
  S extends z.core.$ZodLooseShape,
>(kind: K, shape: S, meta?: ObjectMetaOptions) {
  return strictObject({
    apiVersion: z.literal(apiVersionOf(kind)),
    kind: z.literal(kind),
    metadata: objectMeta(meta),
    ...shape,
    status: jsonObject.optional(),
  }).transform(value => {
    type Output = Omit<typeof value, 'status'>;
    const { status: _status, ...rest } = value as Record<string, unknown> & {
      metadata: Record<string, unknown>;
    };
    if (!isClusterScoped(kind)) return rest as unknown as Output;
    const { namespace: _namespace, ...metadata } = rest.metadata;
    return { ...rest, metadata } as unknown as Output;
  });
}
