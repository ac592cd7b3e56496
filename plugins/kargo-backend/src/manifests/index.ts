export { ManifestApplier, docLabel, type ApplyMode } from './ManifestApplier';
export { toManifest, keyOf } from './conversion';
export { originsOf, upstreamStagesOf } from './references';
export { orderStages } from './stageOrder';
