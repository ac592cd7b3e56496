export { ImageDiscoverer, sharedTagCache } from './ImageDiscoverer';
export type {
  CacheByTagPolicy,
  ImageDiscovererOptions,
  ImageDiscoverySubscription,
  ResolvedImage,
} from './ImageDiscoverer';
