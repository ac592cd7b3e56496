export { ChartDiscoverer } from './ChartDiscoverer';
export type {
  ChartDiscovererOptions,
  ChartDiscoverySubscription,
} from './ChartDiscoverer';
export { HelmIndexCache } from './helmIndex';
export type { HelmIndexCacheStats } from './helmIndex';
export type { OciRepository, OciTagLister } from './ociTags';
export { RegistryClientTagLister } from './registryClientTagLister';
