/**
 * The Kargo plugin for Backstage's classic frontend system. The new
 * frontend system's plugin is the default export of
 * `@kargo-backstage/plugin-kargo/alpha`.
 *
 * @packageDocumentation
 */
export {
  EntityKargoContent,
  entityContentRouteRef,
  KargoPage,
  kargoPageRouteRef,
  kargoPlugin,
} from './plugin';
export { kargoApiRef, type KargoApi } from './api';
export { isKargoAvailable } from './conditions';
