export * from './kinds';
export * from './schemas';
export { validateManifest } from './validateManifest';
export type { ValidateManifestResult } from './validateManifest';
export {
  formatIssues,
  formatPath,
  manifestErrorMap,
  ROOT_PATH,
} from './issues';
export type { ManifestIssue } from './issues';
export { parseManifests, ManifestParseError } from './parseManifests';
export { checkGoRegex, compileGoRegex } from './goRegex';
export {
  parseSemverConstraint,
  satisfiesSemverConstraint,
  compareGoStrings,
  compareMastermindsVersions,
  parseMastermindsVersion,
  sortVersionsDescending,
} from '../semver';
export type {
  SemverConstraintResult,
  MastermindsVersion,
  ParseMastermindsVersionOptions,
} from '../semver';
