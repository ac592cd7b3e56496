import { NotFoundError } from '@backstage/errors';
import type { KargoStore, ListCursor, StoredResource } from '../database';
import { isAvailableTo, RequestedFreight } from './freightAvailability';

/** One page of the Freight available to a Stage, newest first. */
export async function listFreightForStage(
  store: KargoStore,
  project: string,
  stageName: string,
  options: { origins?: string[]; limit: number; after?: ListCursor },
): Promise<{ items: StoredResource[]; next?: ListCursor }> {
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
    return { items: [] };
  }
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
      if (isAvailableTo(freight, stageName, requested)) {
        items.push(freight);
        if (items.length === options.limit) {
          const more =
            freight !== page.items[page.items.length - 1] || page.next;
          return {
            items,
            next: more
              ? { name: freight.name, sortAt: freight.sortAt }
              : undefined,
          };
        }
      }
    }
    if (!page.next) {
      return { items };
    }
    after = page.next;
  }
}
