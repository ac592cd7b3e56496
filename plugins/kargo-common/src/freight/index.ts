export type {
  Chart,
  FreightContent,
  FreightOrigin,
  GenericArtifact,
  GitCommit,
  Image,
} from './freightName';
export {
  artifactCanonicalString,
  canonicalArtifactStrings,
  chartCanonicalString,
  commitCanonicalString,
  computeFreightName,
  freightNameHashInput,
  freightOriginString,
  imageCanonicalString,
} from './freightName';
export {
  normalizeChartRepoURL,
  normalizeGitURL,
  normalizeImageRepoURL,
  sanitizeURL,
} from './urls';
export {
  FREIGHT_ALIAS_ADJECTIVES,
  FREIGHT_ALIAS_ANIMALS,
  MAX_FREIGHT_ALIAS_LENGTH,
  generateFreightAlias,
  generateUniqueFreightAlias,
  isValidFreightAlias,
} from './freightAlias';
export { sha1Hex } from './sha1';
