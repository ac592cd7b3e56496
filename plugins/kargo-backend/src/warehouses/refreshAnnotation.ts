import type {
  ApplyResult,
  KargoManifest,
} from '@kargo-backstage/plugin-kargo-common';

/** Kargo's "refresh now" annotation (`kargo refresh warehouse` sets it). */
export const REFRESH_ANNOTATION = 'kargo.akuity.io/refresh';

/**
 * The Warehouses an apply asked to refresh: those whose refresh annotation
 * differs from the token their status says was last handled, as in Kargo.
 */
export function warehousesToRefresh(
  results: ApplyResult[],
): Array<{ project: string; name: string }> {
  return results
    .map(r => r.createdResourceManifest ?? r.updatedResourceManifest)
    .filter((m): m is KargoManifest => m?.kind === 'Warehouse')
    .filter(m => {
      const token = m.metadata.annotations?.[REFRESH_ANNOTATION];
      return token !== undefined && token !== m.status?.lastHandledRefresh;
    })
    .map(m => ({ project: m.metadata.namespace!, name: m.metadata.name }));
}
