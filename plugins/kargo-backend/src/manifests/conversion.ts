import type { JsonObject } from '@backstage/types';
import {
  KARGO_ALIAS_LABEL,
  KargoKind,
  apiVersionOf,
  isClusterScoped,
  type KargoManifest,
} from '@kargo-backstage/plugin-kargo-common';
import type { ResourceContent, ResourceKey, StoredResource } from '../database';

/** Metadata the user owns; the rest (uid, resourceVersion, ...) is ours. */
const USER_METADATA_FIELDS = ['labels', 'annotations'] as const;

/** The project a resource is stored under ('' for cluster-wide kinds). */
export function projectOf(kind: KargoKind, metadata: JsonObject): string {
  if (kind === 'Project') {
    return String(metadata.name ?? '');
  }
  return isClusterScoped(kind) ? '' : String(metadata.namespace ?? '');
}

export function keyOf(manifest: {
  kind: KargoKind;
  metadata: JsonObject;
}): ResourceKey {
  return {
    kind: manifest.kind,
    project: projectOf(manifest.kind, manifest.metadata),
    name: String(manifest.metadata.name ?? ''),
  };
}

export function userMetadata(metadata: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const field of USER_METADATA_FIELDS) {
    const value = metadata[field];
    if (value && typeof value === 'object' && Object.keys(value).length) {
      out[field] = value;
    }
  }
  return out;
}

/**
 * The user-owned content of a validated manifest: `spec`, or for Freight the
 * top-level fields Kargo keeps there.
 */
export function contentOf(manifest: JsonObject): JsonObject {
  if (manifest.kind === 'Freight') {
    const { apiVersion, kind, metadata, status, ...content } = manifest;
    return content;
  }
  return (manifest.spec as JsonObject | undefined) ?? {};
}

/** Turns a stored resource back into the whole object Kargo would answer. */
export function toManifest(resource: StoredResource): KargoManifest {
  const metadata: JsonObject = {
    name: resource.name,
    ...(isClusterScoped(resource.kind) ? {} : { namespace: resource.project }),
    uid: resource.uid,
    resourceVersion: String(resource.resourceVersion),
    generation: resource.generation,
    creationTimestamp: new Date(resource.createdAt).toISOString(),
    ...resource.metadata,
  };
  if (resource.kind === 'Freight' && resource.alias) {
    metadata.labels = {
      ...(metadata.labels as JsonObject | undefined),
      [KARGO_ALIAS_LABEL]: resource.alias,
    };
  }
  const head = {
    apiVersion: apiVersionOf(resource.kind),
    kind: resource.kind,
    metadata,
  };
  if (resource.kind === 'Freight') {
    return {
      ...head,
      ...resource.spec,
      status: resource.status,
    } as KargoManifest;
  }
  return {
    ...head,
    spec: resource.spec,
    status: resource.status,
  } as KargoManifest;
}

/** Store content for a manifest, with the indexed columns filled in. */
export function toContent(
  manifest: JsonObject & { kind: KargoKind; metadata: JsonObject },
): ResourceContent {
  const spec = contentOf(manifest);
  const content: ResourceContent = {
    metadata: userMetadata(manifest.metadata),
    spec,
  };
  if (manifest.kind === 'Freight') {
    content.alias = spec.alias as string | undefined;
    content.origin = (spec.origin as JsonObject | undefined)?.name as
      | string
      | undefined;
    const discoveredAt = spec.discoveredAt as string | undefined;
    if (discoveredAt) {
      content.sortAt = Date.parse(discoveredAt);
    }
  }
  if (manifest.kind === 'Promotion') {
    content.stage = spec.stage as string | undefined;
  }
  return content;
}
