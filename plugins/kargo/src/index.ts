/**
 * Kargo for Backstage: the frontend plugin. Its default export is the plugin
 * for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { kargoApiRef, type KargoApi } from './api';
export { isKargoAvailable } from './conditions';
export { EntityKargoContent } from './components/EntityKargoContent';
