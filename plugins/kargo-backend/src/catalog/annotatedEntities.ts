import type { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** A comma-separated annotation (`a, b`) as its values, blanks dropped. */
export function splitAnnotation(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

/**
 * The catalog entities carrying `annotation`, read with the plugin's own
 * credentials (background work: no user asks), with just `fields`.
 */
export async function entitiesAnnotatedWith(
  catalog: CatalogService,
  auth: AuthService,
  annotation: string,
  fields: string[],
): Promise<Entity[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS },
      fields,
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items;
}
