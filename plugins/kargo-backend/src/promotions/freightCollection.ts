import type { JsonObject } from '@backstage/types';
import type { PromotionFreightReference } from '@kargo-backstage/plugin-kargo-node';
import { createHash } from 'node:crypto';
import type { StoredResource } from '../database';

/** A Stage's Freight, one item per origin (`Warehouse/<name>` keys). */
export type FreightCollection = {
  id: string;
  items: Record<string, PromotionFreightReference>;
};

/** Kargo's FreightReference of a stored Freight. */
export function freightReference(
  freight: StoredResource,
): PromotionFreightReference {
  const ref: PromotionFreightReference = {
    name: freight.name,
    origin: { kind: 'Warehouse', name: freight.origin ?? '' },
  };
  for (const key of ['commits', 'images', 'charts', 'artifacts'] as const) {
    const list = freight.spec[key];
    if (Array.isArray(list) && list.length) ref[key] = list as JsonObject[];
  }
  return ref;
}

export const originKey = (ref: { origin: { name: string } }) =>
  `Warehouse/${ref.origin.name}`;

/** Kargo's collection id: SHA-1 over the sorted Freight names. */
export function collectionId(items: Record<string, { name: string }>): string {
  const names = Object.values(items)
    .map(i => i.name)
    .sort();
  return createHash('sha1').update(names.join(',')).digest('hex');
}

/**
 * What the Stage will hold after promoting `target`: its current Freight for
 * every other origin it still requests, and `target` for its own origin.
 */
export function nextCollection(
  stage: StoredResource,
  target: PromotionFreightReference,
): FreightCollection {
  const requested = new Set(
    (
      (stage.spec.requestedFreight ?? []) as Array<{ origin: { name: string } }>
    ).map(r => `Warehouse/${r.origin.name}`),
  );
  const history = (stage.status.freightHistory ?? []) as FreightCollection[];
  const items: Record<string, PromotionFreightReference> = {};
  for (const [key, item] of Object.entries(history[0]?.items ?? {})) {
    if (requested.has(key)) items[key] = item;
  }
  items[originKey(target)] = target;
  return { id: collectionId(items), items };
}
