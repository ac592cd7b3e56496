/**
 * Node.js library for the Kargo plugin suite: extension points through which
 * backend modules add promotion steps and Warehouse subscription types.
 *
 * @packageDocumentation
 */
export * from './extensions';
