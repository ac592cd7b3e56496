/**
 * Kargo for Backstage, shared by frontend and backend: resource types,
 * manifest schemas and validation, Freight naming, permissions, and an
 * isomorphic client of the backend's REST API.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './permissions';
export * from './manifests';
export * from './freight';
export * from './api/types';
export * from './client';
export * from './durations';
export * from './promotionWindows';
export * from './signals';
