import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { matchesStageName } from '../selectors/stageSelector';
import {
  kargoStagePermissionResourceRef,
  type KargoStageResource,
} from './stageResource';

const resourceRef = kargoStagePermissionResourceRef;

const isInProject = createPermissionRule({
  name: 'IS_IN_PROJECT',
  description: 'Allow Stages of the given Kargo projects',
  resourceRef,
  paramsSchema: z.object({
    projects: z.array(z.string()).describe('Names of Kargo projects'),
  }),
  apply: (stage, { projects }) => projects.includes(stage.project),
  toQuery:
    ({ projects }) =>
    stage =>
      projects.includes(stage.project),
});

const named = (stage: KargoStageResource, names: string[]) =>
  names.some(pattern => matchesStageName(pattern, stage.name));

const hasStageName = createPermissionRule({
  name: 'HAS_STAGE_NAME',
  description:
    'Allow Stages whose name matches one of the patterns: exact, glob:<pattern> or regex:<regexp>, as in Kargo stage selectors',
  resourceRef,
  paramsSchema: z.object({
    names: z.array(z.string()).describe('Stage names or patterns'),
  }),
  apply: (stage, { names }) => named(stage, names),
  toQuery:
    ({ names }) =>
    stage =>
      named(stage, names),
});

const labelled = (stage: KargoStageResource, key: string, value?: string) =>
  Object.prototype.hasOwnProperty.call(stage.labels, key) &&
  (value === undefined || stage.labels[key] === value);

const hasLabel = createPermissionRule({
  name: 'HAS_LABEL',
  description:
    'Allow Stages with the label (and, when given, the label with that value)',
  resourceRef,
  paramsSchema: z.object({
    key: z.string().describe('Label key'),
    value: z.string().optional().describe('Label value'),
  }),
  apply: (stage, { key, value }) => labelled(stage, key, value),
  toQuery:
    ({ key, value }) =>
    stage =>
      labelled(stage, key, value),
});

const owned = (stage: KargoStageResource, claims: string[]) =>
  stage.owners.some(owner => claims.includes(owner));

const isOwnedBy = createPermissionRule({
  name: 'IS_OWNED_BY',
  description:
    'Allow Stages of a Kargo project linked to a catalog entity owned by one of the claims (the user and their groups)',
  resourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        'Entity refs to match against the owners, usually the user ownershipEntityRefs',
      ),
  }),
  apply: (stage, { claims }) => owned(stage, claims),
  toQuery:
    ({ claims }) =>
    stage =>
      owned(stage, claims),
});

/** The rules a permission policy may use on `kargo-stage` permissions. */
export const kargoStageRules = {
  isInProject,
  hasStageName,
  hasLabel,
  isOwnedBy,
};
