import { NotFoundError } from '@backstage/errors';
import type { KargoStore, ListCursor, StoredResource } from '../database';
import { freightAvailability, RequestedFreight } from './freightAvailability';

/** Freight of an origin the Stage requests that it may not take, and why. */
export type UnavailableFreight = {
  name: string;
  alias?: string;
  origin: string;
  reason: string;
  /** ISO time soaking ends, when that is all that is missing. */
  availableAt?: string;
};

/**
 * One page of the Freight available to a Stage, newest first, and the
 * Freight passed over on the way with the reason it is not available.
 */
export async function listFreightForStage(
  store: KargoStore,
  project: string,
  stageName: string,
  options: {
    origins?: string[];
    limit: number;
    after?: ListCursor;
    now?: number;
  },
): Promise<{
  items: StoredResource[];
  next?: ListCursor;
  unavailable: UnavailableFreight[];
}> {
  const stage = await store.getResource({
    kind: 'Stage',
    project,
    name: stageName,
  });
  if (!stage) {
    throw new NotFoundError(`Stage "${project}/${stageName}" not found`);
  }
  const requested = (stage.spec.requestedFreight ?? []) as RequestedFreight[];
  let origins = requested.map(r => r.origin.name);
  if (options.origins) {
    origins = origins.filter(o => options.origins!.includes(o));
  }
  if (!origins.length) {
    return { items: [], unavailable: [] };
  }
  const now = options.now ?? Date.now();
  const unavailable: UnavailableFreight[] = [];
  // Walk the origin-filtered list in pages until one page of matches is full.
  const items: StoredResource[] = [];
  let after = options.after;
  for (;;) {
    const page = await store.listResources({
      kind: 'Freight',
      project,
      origins,
      order: 'newest',
      limit: options.limit,
      after,
    });
    for (const freight of page.items) {
      const availability = freightAvailability(
        freight,
        stageName,
        requested,
        now,
      );
      if (!availability.available) {
        // Bounded like the page: enough to explain what the user sees.
        if (unavailable.length < options.limit) {
          unavailable.push({
            name: freight.name,
            ...(freight.alias ? { alias: freight.alias } : {}),
            origin: freight.origin ?? '',
            reason: availability.reason,
            ...(availability.availableAt !== undefined
              ? {
                  availableAt: new Date(availability.availableAt).toISOString(),
                }
              : {}),
          });
        }
        continue;
      }
      items.push(freight);
      if (items.length === options.limit) {
        const more = freight !== page.items[page.items.length - 1] || page.next;
        return {
          items,
          next: more
            ? { name: freight.name, sortAt: freight.sortAt }
            : undefined,
          unavailable,
        };
      }
    }
    if (!page.next) {
      return { items, unavailable };
    }
    after = page.next;
  }
}
