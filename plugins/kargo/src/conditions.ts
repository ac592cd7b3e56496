import type { Entity } from '@backstage/catalog-model';
import { KARGO_PROJECT_ANNOTATION } from '@kargo-backstage/plugin-kargo-common';

/** Whether an entity names a Kargo project (shows the Promotions tab). */
export function isKargoAvailable(entity: Entity): boolean {
  return Boolean(
    entity.metadata.annotations?.[KARGO_PROJECT_ANNOTATION]?.trim(),
  );
}
