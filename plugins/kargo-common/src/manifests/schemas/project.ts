import { z } from 'zod';
import { strictObject } from './common';
import { projectNameCheck } from './metadata';
import { resourceSchema } from './resource';

/*
 * Project: cluster-scoped, reconciled into a namespace of the same name, so
 * its name must be a DNS label. Current Kargo's Project has no spec (promotion
 * policies moved to ProjectConfig in v1.5); an empty or null `spec` is still
 * accepted because Kargo's own examples write one.
 */

export const projectSchema = resourceSchema(
  'Project',
  { spec: strictObject({}).optional() },
  { checkName: projectNameCheck },
).transform(({ spec: _spec, ...rest }) => rest);

export type ProjectResource = z.output<typeof projectSchema>;
