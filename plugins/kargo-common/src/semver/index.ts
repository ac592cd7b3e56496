export {
  parseSemverConstraint,
  satisfiesSemverConstraint,
} from './semverConstraint';
export type { SemverConstraintResult } from './semverConstraint';
export {
  compareGoStrings,
  compareMastermindsVersions,
  parseMastermindsVersion,
  sortVersionsDescending,
} from './mastermindsVersion';
export type {
  MastermindsVersion,
  ParseMastermindsVersionOptions,
} from './mastermindsVersion';
