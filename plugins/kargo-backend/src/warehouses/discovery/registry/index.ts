export {
  RegistryClient,
  MediaTypes,
  isIndexMediaType,
  isImageManifestMediaType,
  parseChallenge,
  parseNextLink,
  sharedContentCache,
} from './client';
export type {
  FetchedManifest,
  ManifestHead,
  OciDescriptor,
  OciManifest,
  OciPlatform,
  RegistryClientOptions,
  RegistryLogger,
  RegistryRequestOptions,
} from './client';
export { closeIdleConnections, nodeFetch, TimeoutError } from './httpTransport';
export type {
  RegistryFetch,
  RegistryRequestInit,
  RegistryResponse,
} from './httpTransport';
export { LruCache } from './lruCache';
export {
  RateLimiter,
  RateLimiterRegistry,
  sharedRateLimiters,
  systemClock,
} from './rateLimiter';
export type { Clock } from './rateLimiter';
export {
  allowsPlainHttp,
  DOCKER_HUB_API_HOST,
  parseRepository,
} from './reference';
export type { RegistryRepository } from './reference';
