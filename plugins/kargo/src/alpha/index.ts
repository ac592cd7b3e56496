/**
 * The Kargo plugin for Backstage's new frontend system: the Promotions
 * entity tab (group `deployment`), the Kargo page and the API.
 *
 * @packageDocumentation
 */
export { default, rootRouteRef } from './plugin';
export { kargoApiRef, type KargoApi } from '../api';
export { isKargoAvailable } from '../conditions';
