import type { KargoStore, ListCursor } from './KargoStore';

/** Every Project's name, in name order, read page by page. */
export async function listProjectNames(store: KargoStore): Promise<string[]> {
  const names: string[] = [];
  let after: ListCursor | undefined;
  do {
    const page = await store.listResources({
      kind: 'Project',
      order: 'name',
      limit: 500,
      after,
    });
    names.push(...page.items.map(p => p.name));
    after = page.next;
  } while (after);
  return names;
}
